package io.turnout.controller.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.Informers;
import io.turnout.controller.k8s.RouteSource;
import io.turnout.controller.k8s.SourcedRoutes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingress v1 as a {@link RouteSource}: fabric8 informers on IngressClasses and Ingresses, the
 * Ingresses of Turnout's classes ({@link IngressClasses}) translated on each pass ({@link
 * IngressTranslator}, ingress-nginx's canary annotations included), refusals logged and written as
 * Warning Events, and {@code status.loadBalancer} kept ({@link IngressStatusWriter}).
 *
 * <p>The TLS section of an Ingress is noted, not served: the gateway's certificates come from its
 * own configuration (the chart's {@code gateway.tls}), so the controller logs each Ingress's TLS
 * hosts and secret once, for the operator to put that certificate there.
 *
 * <p>Threads: informer callbacks only call {@code requestPass} and {@link
 * IngressStatusWriter#kick}; {@link #routes} and {@link #refused} run on the reconciler thread and
 * read the informer caches; Events and status writes run on the status writer's thread.
 */
public final class IngressSource implements RouteSource {
  private static final Logger log = LoggerFactory.getLogger(IngressSource.class);
  private static final String ALL = "";

  private final SharedIndexInformer<IngressClass> classes;
  private final List<SharedIndexInformer<Ingress>> ingresses = new ArrayList<>();
  private final IngressTranslator translator;
  private final IngressStatusWriter status;
  private final IngressEvents events;

  // Reconciler thread only.
  private Map<HostOwnership.ObjectRef, String> ownRefusals = Map.of();
  private Map<HostOwnership.ObjectRef, Ingress> lastSeen = Map.of();
  private volatile Map<HostOwnership.ObjectRef, String> reported = new HashMap<>();
  private Map<HostOwnership.ObjectRef, String> tlsLogged = new HashMap<>();

  private IngressSource(
      KubernetesClient client, ClusterView view, List<String> namespaces, String gatewayService) {
    this.classes = client.network().v1().ingressClasses().runnableInformer(0);
    for (String ns : namespaces.isEmpty() ? List.of(ALL) : namespaces) {
      var op =
          ns.equals(ALL)
              ? client.network().v1().ingresses().inAnyNamespace()
              : client.network().v1().ingresses().inNamespace(ns);
      ingresses.add(op.runnableInformer(0));
    }
    this.translator = new IngressTranslator(view);
    this.status = new IngressStatusWriter(client, gatewayService, this::ours);
    this.events = new IngressEvents(client, status.thread());
  }

  /**
   * Creates (does not start) the source.
   *
   * @param view the Services and EndpointSlices backends are read from
   * @param namespaces namespaces whose Ingresses are read; empty for all
   * @param gatewayService {@code namespace/name} of the gateways' Service ({@code
   *     --gateway-service}), whose address goes into the Ingresses' status; null: none is written
   */
  public static IngressSource create(
      KubernetesClient client, ClusterView view, List<String> namespaces, String gatewayService) {
    return new IngressSource(client, view, namespaces, gatewayService);
  }

  @Override
  public void start(Runnable requestPass) {
    classes.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(IngressClass c) {
            changed(requestPass);
          }

          @Override
          public void onUpdate(IngressClass a, IngressClass b) {
            changed(requestPass);
          }

          @Override
          public void onDelete(IngressClass c, boolean unknown) {
            changed(requestPass);
          }
        });
    ResourceEventHandler<Ingress> onIngress =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Ingress i) {
            changed(requestPass);
          }

          @Override
          public void onUpdate(Ingress a, Ingress b) {
            if (Objects.equals(a.getSpec(), b.getSpec())
                && Objects.equals(
                    a.getMetadata().getAnnotations(), b.getMetadata().getAnnotations())) {
              status.kick(); // a status change (maybe ours): routes are the same
              return;
            }
            changed(requestPass);
          }

          @Override
          public void onDelete(Ingress i, boolean unknown) {
            changed(requestPass);
          }
        };
    Informers.startRetrying(classes);
    for (SharedIndexInformer<Ingress> i : ingresses) {
      i.addEventHandler(onIngress);
      Informers.startRetrying(i);
    }
    status.start();
  }

  private void changed(Runnable requestPass) {
    requestPass.run();
    status.kick();
  }

  @Override
  public boolean hasSynced() {
    if (!classes.hasSynced()) {
      return false;
    }
    for (SharedIndexInformer<Ingress> i : ingresses) {
      if (!i.hasSynced()) {
        return false;
      }
    }
    return true;
  }

  /** Turnout's Ingresses in the caches now. Any thread. */
  List<Ingress> ours() {
    IngressClasses mine = IngressClasses.of(classes.getStore().list());
    List<Ingress> out = new ArrayList<>();
    for (SharedIndexInformer<Ingress> i : ingresses) {
      for (Ingress ingress : i.getStore().list()) {
        if (mine.owns(ingress)) {
          out.add(ingress);
        }
      }
    }
    return out;
  }

  @Override
  public List<SourcedRoutes> routes() {
    List<Ingress> mine = ours();
    Map<HostOwnership.ObjectRef, Ingress> seen = new HashMap<>();
    for (Ingress i : mine) {
      seen.put(IngressTranslator.refOf(i), i);
    }
    IngressTranslator.Result result = translator.translate(mine);
    lastSeen = seen;
    ownRefusals = result.refused();
    for (Map.Entry<HostOwnership.ObjectRef, String> e : result.tls().entrySet()) {
      if (!e.getValue().equals(tlsLogged.get(e.getKey()))) {
        log.info(
            "{} has TLS ({}): the gateway serves the certificates of its own configuration"
                + " (chart gateway.tls), not this Secret",
            e.getKey(),
            e.getValue());
      }
    }
    tlsLogged = new HashMap<>(result.tls());
    return result.routes();
  }

  @Override
  public void refused(Map<HostOwnership.ObjectRef, String> refusals) {
    Map<HostOwnership.ObjectRef, String> all = new LinkedHashMap<>(ownRefusals);
    refusals.forEach(all::putIfAbsent);
    for (Map.Entry<HostOwnership.ObjectRef, String> e : all.entrySet()) {
      if (e.getValue().equals(reported.get(e.getKey()))) {
        continue; // said already: a resync writes nothing
      }
      log.warn("{} left out: {}", e.getKey(), e.getValue());
      Ingress ingress = lastSeen.get(e.getKey());
      if (ingress != null) {
        events.refused(ingress, e.getValue());
      }
    }
    for (HostOwnership.ObjectRef gone : reported.keySet()) {
      if (!all.containsKey(gone) && lastSeen.containsKey(gone)) {
        log.info("{} routed again", gone);
      }
    }
    reported = new HashMap<>(all);
  }

  /** What the last pass refused, with the reasons (for tests and the log). Reconciler thread. */
  Map<HostOwnership.ObjectRef, String> lastRefusals() {
    return Map.copyOf(reported);
  }

  @Override
  public void close() {
    classes.close();
    ingresses.forEach(SharedIndexInformer::close);
    status.close();
  }
}
