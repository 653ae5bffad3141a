package io.turnout.controller.ingress;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status.loadBalancer.ingress} of Turnout's Ingresses: the address of the gateways'
 * Service ({@code --gateway-service}), its LoadBalancer ingress points, else its {@code
 * externalIPs}. Tools that wait for an Ingress's address (Argo CD health, external-dns) read it
 * there.
 *
 * <p>A pass compares each Ingress's status with the address and patches only those that differ, so
 * our own status write, coming back through the informer, writes nothing. A failed write is logged
 * and retried on the next pass (any Ingress or gateway Service change, and every minute).
 *
 * <p>Threads: {@link #kick} is called from informer threads and only schedules; passes, writes and
 * the {@link IngressEvents} run on the one "turnout-ingress-status" thread.
 */
final class IngressStatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);
  private static final long COALESCE_MILLIS = 200;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Supplier<List<Ingress>> ours;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private SharedIndexInformer<Service> gateway;

  /**
   * @param gatewayService {@code namespace/name} of the gateways' Service, or null to write nothing
   * @param ours Turnout's Ingresses now (from the informer caches)
   */
  IngressStatusWriter(
      KubernetesClient client, String gatewayService, Supplier<List<Ingress>> ours) {
    this.client = client;
    this.ours = ours;
    if (gatewayService == null) {
      namespace = null;
      name = null;
    } else {
      String[] parts = gatewayService.split("/", 2);
      namespace = parts[0];
      name = parts[1];
    }
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-ingress-status");
              t.setDaemon(true);
              return t;
            });
  }

  /** The thread Events are written on too. */
  java.util.concurrent.Executor thread() {
    return thread;
  }

  void start() {
    if (namespace == null) {
      log.info("no --gateway-service: Ingress status.loadBalancer is not written");
      return;
    }
    gateway =
        client
            .services()
            .inNamespace(namespace)
            .withName(name)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Service s) {
                    kick();
                  }

                  @Override
                  public void onUpdate(Service a, Service b) {
                    kick();
                  }

                  @Override
                  public void onDelete(Service s, boolean unknown) {
                    kick();
                  }
                },
                0);
    thread.scheduleWithFixedDelay(this::kick, 1, 1, TimeUnit.MINUTES);
  }

  /** Asks for a pass soon (coalesced); never blocks. */
  void kick() {
    if (namespace == null || !scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.schedule(this::pass, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // closing
    }
  }

  private void pass() {
    scheduled.set(false);
    List<Service> found = gateway == null ? List.of() : gateway.getStore().list();
    if (found.isEmpty()) {
      return; // no address known: leave what is written
    }
    List<IngressLoadBalancerIngress> address = addressOf(found.get(0));
    for (Ingress i : ours.get()) {
      if (pointsOf(address).equals(pointsOf(current(i)))) {
        continue;
      }
      try {
        client
            .network()
            .v1()
            .ingresses()
            .inNamespace(i.getMetadata().getNamespace())
            .withName(i.getMetadata().getName())
            .editStatus(
                edited -> {
                  edited.setStatus(
                      new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
                          .withNewLoadBalancer()
                          .withIngress(address)
                          .endLoadBalancer()
                          .build());
                  return edited;
                });
      } catch (RuntimeException e) {
        log.warn(
            "cannot write the status of Ingress {}/{}: {}",
            i.getMetadata().getNamespace(),
            i.getMetadata().getName(),
            e.toString());
      }
    }
  }

  private static List<IngressLoadBalancerIngress> current(Ingress i) {
    IngressLoadBalancerStatus lb = i.getStatus() == null ? null : i.getStatus().getLoadBalancer();
    return lb == null || lb.getIngress() == null ? List.of() : lb.getIngress();
  }

  /** The (ip, hostname) pairs: what the status says, whatever the empty fields look like. */
  private static List<String> pointsOf(List<IngressLoadBalancerIngress> list) {
    List<String> out = new ArrayList<>();
    for (IngressLoadBalancerIngress p : list) {
      out.add(Objects.toString(p.getIp(), "") + "/" + Objects.toString(p.getHostname(), ""));
    }
    return out;
  }

  /** The Service's LoadBalancer ingress points, else its external IPs (maybe none). */
  static List<IngressLoadBalancerIngress> addressOf(Service service) {
    List<IngressLoadBalancerIngress> out = new ArrayList<>();
    if (service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress lb : service.getStatus().getLoadBalancer().getIngress()) {
        out.add(
            new IngressLoadBalancerIngressBuilder()
                .withIp(lb.getIp())
                .withHostname(lb.getHostname())
                .build());
      }
    }
    if (out.isEmpty() && service.getSpec() != null && service.getSpec().getExternalIPs() != null) {
      for (String ip : service.getSpec().getExternalIPs()) {
        out.add(new IngressLoadBalancerIngressBuilder().withIp(ip).build());
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    }
    thread.shutdownNow();
  }
}
