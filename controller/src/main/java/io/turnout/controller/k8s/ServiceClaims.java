package io.turnout.controller.k8s;

import io.turnout.controller.k8s.Rejection.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Services as {@link HostOwnership} claims, and its refusals as Service {@link Rejection}s. The
 * bridge between the Service translation and the source-neutral ownership rules.
 *
 * <p>Stateless.
 */
final class ServiceClaims {
  private static final String KIND = "Service";

  private ServiceClaims() {}

  /**
   * One claim per host of each route that takes part: live Services, and deleted ones while they
   * still drain (so a host changes hands only after its owner's last version has drained).
   */
  static List<HostOwnership.Claim> of(List<ServiceRoute> routes) {
    List<HostOwnership.Claim> claims = new ArrayList<>();
    for (ServiceRoute route : routes) {
      if (route.live() || !route.endpoints().isEmpty()) {
        HostOwnership.ObjectRef ref = refOf(route);
        for (String host : route.hosts()) {
          claims.add(new HostOwnership.Claim(host, route.created(), ref));
        }
      }
    }
    return claims;
  }

  /** Why {@code route}'s Service is left out under {@code decision}, or null when it is not. */
  static Rejection refusal(HostOwnership.Decision decision, ServiceRoute route) {
    HostOwnership.Refusal r = decision.refusal(refOf(route));
    if (r == null) {
      return null;
    }
    Kind kind =
        switch (r.reason()) {
          case HOST_OWNED, OTHER_SOURCE -> Kind.HOST_OWNED;
          case UNTRUSTED_WILDCARD -> Kind.UNTRUSTED_WILDCARD;
        };
    return new Rejection(route.key(), kind, r.message());
  }

  private static HostOwnership.ObjectRef refOf(ServiceRoute route) {
    String key = route.key();
    int slash = key.indexOf('/');
    return new HostOwnership.ObjectRef(KIND, key.substring(0, slash), key.substring(slash + 1));
  }
}
