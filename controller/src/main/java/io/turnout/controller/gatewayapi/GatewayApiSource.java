package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.Informers;
import io.turnout.controller.k8s.RetiredBackends;
import io.turnout.controller.k8s.RouteSource;
import io.turnout.controller.k8s.SourcedRoutes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gateway API as a {@link RouteSource}: informers on GatewayClasses, Gateways, HTTPRoutes,
 * ReferenceGrants and Namespaces; on each reconciler pass the {@link GatewayApiTranslator} turns
 * their caches into sourced routes, and the statuses it derives go to the {@link StatusWriter}.
 *
 * <p>Threads: informer callbacks only call {@code requestPass}; {@link #routes} and {@link
 * #refused} run on the reconciler thread (caches only, never the API server); status writes on the
 * writer's own thread.
 */
public final class GatewayApiSource implements RouteSource {
  private static final Logger log = LoggerFactory.getLogger(GatewayApiSource.class);
  private static final String ALL = "";
  private static final List<String> REQUIRED_CRDS =
      List.of("gatewayclasses", "gateways", "httproutes", "referencegrants");

  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final SharedIndexInformer<GatewayClass> classes;
  private final List<SharedIndexInformer<Gateway>> gateways = new ArrayList<>();
  private final List<SharedIndexInformer<HTTPRoute>> routes = new ArrayList<>();
  private final List<SharedIndexInformer<ReferenceGrant>> grants = new ArrayList<>();
  private final SharedIndexInformer<Namespace> namespaces;
  private final RetiredBackends retired;
  private final GatewayApiTranslator translator;
  private final StatusWriter writer;
  private final Clock clock;

  // Reconciler thread only.
  private GatewayApiTranslator.Result last;

  private GatewayApiSource(
      KubernetesClient client,
      ClusterView view,
      List<String> watched,
      String gatewayServiceKey,
      Duration statusGap,
      Clock clock) {
    this.clock = clock;
    this.retired = new RetiredBackends(view);
    this.translator = new GatewayApiTranslator(view, retired, gatewayServiceKey);
    this.writer = new StatusWriter(client, statusGap);
    classes = add(client.resources(GatewayClass.class).runnableInformer(0));
    namespaces = add(client.namespaces().runnableInformer(0));
    for (String ns : watched.isEmpty() ? List.of(ALL) : watched) {
      gateways.add(add(scoped(client, Gateway.class, ns)));
      routes.add(add(scoped(client, HTTPRoute.class, ns)));
      grants.add(add(scoped(client, ReferenceGrant.class, ns)));
    }
  }

  /**
   * The source when the Gateway API CRDs are installed, else null (logged once).
   *
   * @param watched the namespaces to watch; empty for all
   * @param gatewayServiceKey {@code namespace/name} of the gateways' Service ({@code
   *     --gateway-service}), whose addresses the Gateways report; null for none
   */
  public static GatewayApiSource createIfInstalled(
      KubernetesClient client, ClusterView view, List<String> watched, String gatewayServiceKey) {
    String missing = missingCrd(client);
    if (missing != null) {
      log.info(
          "Gateway API not served ({}); reading Service annotations only. Install the Gateway API"
              + " CRDs and restart the controller to serve HTTPRoutes.",
          missing);
      return null;
    }
    log.info(
        "Gateway API found: serving Gateways of GatewayClasses with controllerName {}",
        GatewayApi.CONTROLLER_NAME);
    return new GatewayApiSource(
        client, view, watched, gatewayServiceKey, Duration.ofMillis(20), Clock.systemUTC());
  }

  /** Null when every CRD is there, else what is missing (or why it could not be checked). */
  private static String missingCrd(KubernetesClient client) {
    for (String plural : REQUIRED_CRDS) {
      String name = plural + "." + GatewayApi.GROUP;
      try {
        if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() == null) {
          return "no CustomResourceDefinition " + name;
        }
      } catch (KubernetesClientException e) {
        return "cannot read CustomResourceDefinition " + name + ": " + e.getMessage();
      }
    }
    return null;
  }

  private static <T extends HasMetadata> SharedIndexInformer<T> scoped(
      KubernetesClient client, Class<T> type, String ns) {
    return ns.equals(ALL)
        ? client.resources(type).inAnyNamespace().runnableInformer(0)
        : client.resources(type).inNamespace(ns).runnableInformer(0);
  }

  private <T> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  @Override
  public void start(Runnable requestPass) {
    List<CompletableFuture<?>> started = new ArrayList<>();
    for (SharedIndexInformer<?> i : informers) {
      started.add(start(i, requestPass));
    }
    CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .whenComplete((ok, failure) -> requestPass.run());
  }

  private static <T> CompletableFuture<?> start(
      SharedIndexInformer<T> informer, Runnable requestPass) {
    informer.addEventHandler(new PassOnChange<>(requestPass));
    return Informers.startRetrying(informer);
  }

  @Override
  public boolean hasSynced() {
    for (SharedIndexInformer<?> i : informers) {
      if (!i.hasSynced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<SourcedRoutes> routes() {
    Map<String, Map<String, String>> labels = new HashMap<>();
    for (Namespace n : namespaces.getStore().list()) {
      Map<String, String> l = n.getMetadata().getLabels();
      labels.put(n.getMetadata().getName(), l == null ? Map.of() : l);
    }
    GatewayApiObjects objects =
        new GatewayApiObjects(
            classes.getStore().list(), all(gateways), all(routes), all(grants), labels);
    last = translator.translate(objects, now());
    retired.endPass();
    return last.routes();
  }

  @Override
  public void refused(Map<HostOwnership.ObjectRef, String> refusals) {
    if (last == null) {
      return;
    }
    String now = now();
    for (Map.Entry<String, GatewayClassStatus> e : last.classes().entrySet()) {
      GatewayClass current = classes.getStore().getByKey(e.getKey());
      writer.offer(
          new StatusWriter.Wish<>(
              GatewayClass.class,
              null,
              e.getKey(),
              e.getValue(),
              GatewayClass::getStatus,
              c -> {
                c.setStatus(e.getValue());
                return c;
              }),
          current);
    }
    for (Map.Entry<String, GatewayStatus> e : last.gateways().entrySet()) {
      String[] nn = e.getKey().split("/", 2);
      writer.offer(
          new StatusWriter.Wish<>(
              Gateway.class,
              nn[0],
              nn[1],
              e.getValue(),
              Gateway::getStatus,
              g -> {
                g.setStatus(e.getValue());
                return g;
              }),
          find(gateways, e.getKey()));
    }
    for (Map.Entry<String, HTTPRoute> e : last.routeObjects().entrySet()) {
      HTTPRoute route = e.getValue();
      String[] nn = e.getKey().split("/", 2);
      String refusal =
          refusals.get(new HostOwnership.ObjectRef(GatewayApi.HTTP_ROUTE, nn[0], nn[1]));
      List<RouteParentStatus> ours =
          GatewayApiTranslator.routeParents(
              route, last.routeParents().get(e.getKey()), refusal, now);
      writer.offer(
          new StatusWriter.Wish<>(
              HTTPRoute.class,
              nn[0],
              nn[1],
              merged(route, ours),
              HTTPRoute::getStatus,
              r -> {
                r.setStatus(merged(r, ours));
                return r;
              }),
          route);
    }
  }

  /** The route's status with our parents replaced and other controllers' entries kept. */
  private static HTTPRouteStatus merged(HTTPRoute route, List<RouteParentStatus> ours) {
    List<RouteParentStatus> parents = new ArrayList<>();
    if (route.getStatus() != null && route.getStatus().getParents() != null) {
      for (RouteParentStatus p : route.getStatus().getParents()) {
        if (!GatewayApi.CONTROLLER_NAME.equals(p.getControllerName())) {
          parents.add(p);
        }
      }
    }
    parents.addAll(ours);
    return new HTTPRouteStatus(parents);
  }

  private static <T> List<T> all(List<SharedIndexInformer<T>> informers) {
    List<T> out = new ArrayList<>();
    for (SharedIndexInformer<T> i : informers) {
      out.addAll(i.getStore().list());
    }
    return out;
  }

  private static <T> T find(List<SharedIndexInformer<T>> informers, String key) {
    for (SharedIndexInformer<T> i : informers) {
      T t = i.getStore().getByKey(key);
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  private String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    writer.close();
  }

  /**
   * Asks for a pass on every change that can alter routes: any add or delete, an update that
   * changes the spec ({@code generation}) or labels. Our own status writes change neither.
   */
  private static final class PassOnChange<T> implements ResourceEventHandler<T> {
    private final Runnable requestPass;

    PassOnChange(Runnable requestPass) {
      this.requestPass = requestPass;
    }

    @Override
    public void onAdd(T obj) {
      requestPass.run();
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      if (oldObj instanceof HasMetadata o && newObj instanceof HasMetadata n) {
        if (o.getMetadata().getGeneration() != null
            && Objects.equals(o.getMetadata().getGeneration(), n.getMetadata().getGeneration())
            && Objects.equals(o.getMetadata().getLabels(), n.getMetadata().getLabels())) {
          return;
        }
      }
      requestPass.run();
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      requestPass.run();
    }
  }
}
