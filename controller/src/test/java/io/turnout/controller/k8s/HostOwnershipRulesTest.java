package io.turnout.controller.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.turnout.controller.k8s.HostOwnership.Claim;
import io.turnout.controller.k8s.HostOwnership.ObjectRef;
import io.turnout.controller.k8s.HostOwnership.Reason;
import io.turnout.gateway.snapshot.EndpointSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ownership rules on their own, without an API server. */
class HostOwnershipRulesTest {
  private static final Instant MONDAY = Instant.parse("2026-11-23T09:00:00Z");
  private static final Instant TUESDAY = MONDAY.plusSeconds(86_400);

  private static Claim claim(String host, Instant created, String ns, String name) {
    return new Claim(host, created, new ObjectRef("Service", ns, name));
  }

  @Test
  void aTieInCreationTimeGoesToTheFirstNamespaceThenName() {
    HostOwnership.Decision d =
        HostOwnership.trustingNone()
            .decide(
                List.of(
                    claim("a.example.com", MONDAY, "zeta", "app"),
                    claim("a.example.com", MONDAY, "beta", "app")));
    assertEquals("beta", d.owners().get("a.example.com"));
    assertEquals(Reason.HOST_OWNED, d.refusal(new ObjectRef("Service", "zeta", "app")).reason());
  }

  @Test
  void aClaimWithoutCreationTimeCountsAsTheNewest() {
    HostOwnership.Decision d =
        HostOwnership.trustingNone()
            .decide(
                List.of(
                    claim("a.example.com", null, "alpha", "app"),
                    claim("a.example.com", TUESDAY, "zeta", "app")));
    assertEquals("zeta", d.owners().get("a.example.com"));
  }

  @Test
  void anUntrustedBroadClaimOwnsNothingEvenWhenItIsOldest() {
    HostOwnership.Decision d =
        HostOwnership.trusting(List.of("edge"))
            .decide(
                List.of(
                    claim("*", MONDAY, "team", "grab"),
                    claim("mine.example.com", MONDAY, "team", "grab"),
                    claim("*", TUESDAY, "edge", "default")));
    assertEquals("edge", d.owners().get("*"));
    HostOwnership.Refusal r = d.refusal(new ObjectRef("Service", "team", "grab"));
    assertEquals(Reason.UNTRUSTED_WILDCARD, r.reason());
    assertEquals(
        "host * would catch other owners' hosts and is accepted only from namespaces listed in"
            + " --trusted-namespaces; team is not",
        r.message());
    assertNull(d.refusal(new ObjectRef("Service", "edge", "default")));
  }

  private static ServiceRoute route(String key, Instant created, String version, String ip) {
    return new ServiceRoute(
        key,
        created,
        List.of("shop.example.com"),
        "/",
        version,
        10,
        true,
        true,
        List.of(new EndpointSpec(ip, 80)),
        "http");
  }

  @Test
  void aHostChangesHandsOnlyAfterItsOwnersDeletedVersionHasDrained() {
    ServiceRoute owner = route("shop/blue", MONDAY, "blue", "10.0.0.1").asDeleted();
    ServiceRoute other = route("promo/green", TUESDAY, "green", "10.0.0.2");

    SnapshotAssembler.Result draining = SnapshotAssembler.assemble(List.of(owner, other));
    assertEquals(
        List.of("blue"),
        draining.hosts().get(0).routes().get(0).versions().stream().map(v -> v.name()).toList());
    assertEquals(Rejection.Kind.HOST_OWNED, draining.conflicts().get(0).kind());
    assertEquals(
        "host shop.example.com belongs to namespace shop, where its oldest claim is; only that"
            + " namespace may route it",
        draining.conflicts().get(0).message());

    SnapshotAssembler.Result drained =
        SnapshotAssembler.assemble(List.of(owner.withEndpoints(List.of()), other));
    assertEquals(
        List.of("green"),
        drained.hosts().get(0).routes().get(0).versions().stream().map(v -> v.name()).toList());
    assertEquals(List.of(), drained.conflicts());
  }
}
