package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.HostNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which namespace may route each host, so that one team cannot take another team's traffic.
 *
 * <ul>
 *   <li><b>The oldest claim owns a host.</b> The namespace of the object with the earliest {@code
 *       creationTimestamp} that claims a host (then namespace, name and kind, for a deterministic
 *       tie) owns it; every claim on it from another namespace is refused. A newer object never
 *       takes a host, so the owner's traffic does not change whatever another namespace creates.
 *   <li><b>Broad names need trust.</b> The catch-all {@code *} and wildcards with fewer than two
 *       labels after {@code *.} ({@code *.com}) catch hosts nobody configured; they are accepted
 *       only from trusted namespaces. An untrusted broad claim is refused before owners are
 *       decided, so it never owns anything.
 * </ul>
 *
 * <p>Example: {@code shop/shop-blue} (created Monday) claims {@code shop.example.com}; {@code
 * promo/steal} (created Tuesday) claims {@code SHOP.example.com.}, which normalises to the same
 * host. Namespace {@code shop} owns it; {@code promo/steal} is refused as a whole, naming {@code
 * shop}. If {@code shop} deletes all its claims (and their drain is over), {@code promo} becomes
 * the owner.
 *
 * <p>Claims are plain (host, creation time, object) triples, so sources other than Services
 * (Gateway API routes, Ingresses) take part in the same decision by adding theirs ({@link
 * #withClaims}). A host is built by one source: the owner of a host is the namespace <em>and
 * kind</em> of its oldest claim, so in namespace {@code shop} an HTTPRoute created after the
 * Services that route {@code shop.example.com} is refused for that host ({@link
 * Reason#OTHER_SOURCE}) rather than mixed with them. Services only ever meet Services, so for them
 * this is the namespace rule alone.
 *
 * <p>Immutable; {@link #decide} is a pure function of its input.
 */
public final class HostOwnership {
  /** An object that claims hosts, e.g. {@code Service shop/shop-blue}. */
  public record ObjectRef(String kind, String namespace, String name) {
    @Override
    public String toString() {
      return kind + " " + namespace + "/" + name;
    }
  }

  /**
   * One object's claim on one host.
   *
   * @param host the {@linkplain HostNames#normalize normalised} host name
   * @param created the object's creationTimestamp; null counts as the newest
   */
  public record Claim(String host, Instant created, ObjectRef object) {
    public String namespace() {
      return object.namespace();
    }
  }

  /** Why an object's claims are refused. */
  public enum Reason {
    HOST_OWNED,
    UNTRUSTED_WILDCARD,
    /** The owning namespace routes the host from another kind of object (one source per host). */
    OTHER_SOURCE
  }

  /**
   * An object left out, with the first host (in name order) that made it so.
   *
   * @param ownerNamespace the namespace that owns {@code host} (for {@link Reason#HOST_OWNED})
   */
  public record Refusal(ObjectRef object, Reason reason, String host, String ownerNamespace) {
    /** For people (logs, the Warning Event): names the host and the owner namespace. */
    public String message() {
      return switch (reason) {
        case HOST_OWNED ->
            "host "
                + host
                + " belongs to namespace "
                + ownerNamespace
                + ", where its oldest claim is; only that namespace may route it";
        case OTHER_SOURCE ->
            "host "
                + host
                + " is routed in namespace "
                + ownerNamespace
                + " by its oldest claim, of another kind than "
                + object.kind()
                + "; one kind of object routes a host";
        case UNTRUSTED_WILDCARD ->
            "host "
                + host
                + " would catch other owners' hosts and is accepted only from namespaces listed in"
                + " --trusted-namespaces; "
                + object.namespace()
                + " is not";
      };
    }
  }

  /**
   * @param owners host -> owning namespace
   * @param refusals the objects left out, each with its first reason
   */
  public record Decision(Map<String, String> owners, Map<ObjectRef, Refusal> refusals) {
    public Decision {
      owners = Map.copyOf(owners);
      refusals = Map.copyOf(refusals);
    }

    /** Why {@code object} is left out, or null when all its claims stand. */
    public Refusal refusal(ObjectRef object) {
      return refusals.get(object);
    }
  }

  private static final Comparator<Claim> OLDEST_FIRST =
      Comparator.comparing(Claim::created, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(c -> c.object().namespace())
          .thenComparing(c -> c.object().name())
          .thenComparing(c -> c.object().kind());

  private static final HostOwnership TRUSTING_NONE = new HostOwnership(Set.of());

  private final Set<String> trustedNamespaces;
  private final List<Claim> extraClaims;

  private HostOwnership(Set<String> trustedNamespaces) {
    this(trustedNamespaces, List.of());
  }

  private HostOwnership(Set<String> trustedNamespaces, List<Claim> extraClaims) {
    this.trustedNamespaces = Set.copyOf(trustedNamespaces);
    this.extraClaims = List.copyOf(extraClaims);
  }

  /**
   * The same rules, deciding every {@link #decide} together with {@code claims} (another source's
   * claims, so that Services and, say, HTTPRoutes compete for hosts in one decision).
   */
  public HostOwnership withClaims(Collection<Claim> claims) {
    List<Claim> all = new ArrayList<>(extraClaims);
    all.addAll(claims);
    return new HostOwnership(trustedNamespaces, all);
  }

  /** Broad names ({@code *}, {@code *.com}) accepted only from {@code namespaces}. */
  public static HostOwnership trusting(Collection<String> namespaces) {
    return namespaces.isEmpty() ? TRUSTING_NONE : new HostOwnership(new TreeSet<>(namespaces));
  }

  /** No namespace may claim a broad name. */
  public static HostOwnership trustingNone() {
    return TRUSTING_NONE;
  }

  public Set<String> trustedNamespaces() {
    return trustedNamespaces;
  }

  /** Decides owners and refusals for all {@code claims} together (any order). */
  public Decision decide(Collection<Claim> claims) {
    List<Claim> sorted = new ArrayList<>(claims);
    sorted.addAll(extraClaims);
    // By host, then oldest first: the first claim seen for a host is its owner, and the first
    // refusal recorded for an object is for its first host in name order.
    sorted.sort(Comparator.comparing(Claim::host).thenComparing(OLDEST_FIRST));

    Map<ObjectRef, Refusal> refusals = new HashMap<>();
    for (Claim c : sorted) {
      if (HostNames.isBroad(c.host()) && !trustedNamespaces.contains(c.namespace())) {
        refusals.putIfAbsent(
            c.object(), new Refusal(c.object(), Reason.UNTRUSTED_WILDCARD, c.host(), null));
      }
    }
    Map<String, String> owners = new HashMap<>();
    Map<String, String> ownerKinds = new HashMap<>();
    for (Claim c : sorted) {
      Refusal untrusted = refusals.get(c.object());
      if (untrusted != null && untrusted.reason() == Reason.UNTRUSTED_WILDCARD) {
        continue; // never owns anything
      }
      String owner = owners.putIfAbsent(c.host(), c.namespace());
      String ownerKind = ownerKinds.putIfAbsent(c.host(), c.object().kind());
      if (owner != null && !owner.equals(c.namespace())) {
        refusals.putIfAbsent(
            c.object(), new Refusal(c.object(), Reason.HOST_OWNED, c.host(), owner));
      } else if (ownerKind != null && !ownerKind.equals(c.object().kind())) {
        refusals.putIfAbsent(
            c.object(), new Refusal(c.object(), Reason.OTHER_SOURCE, c.host(), owner));
      }
    }
    return new Decision(owners, refusals);
  }
}
