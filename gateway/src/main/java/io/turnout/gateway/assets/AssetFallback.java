package io.turnout.gateway.assets;

import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.metrics.AssetMeters;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.VersionState;
import io.turnout.gateway.routing.VersionTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, for one exchange at a time, whether a 404 from a version is an asset miss and which
 * version to ask next (docs/REFERENCE.md, version affinity, asset skew guard).
 *
 * <p>Only a {@code GET} for an asset path of the host's {@link AssetPolicy} qualifies. Each version
 * of the route is asked at most once: after the chosen one misses, the other serving versions
 * (highest weight first, the likeliest to hold last release's files), then the draining ones. Dark
 * versions never: they are reachable only by preview with its token. A fallback version's answer is
 * relayed whatever it is, except another 404 while versions remain untried.
 *
 * <p>The pin cookie is the chosen version's: a fallback answers one file, it does not move the
 * client. Fallbacks do not draw on the retry budget: they are bounded by the number of versions,
 * and refusing one breaks the page the guard exists to save.
 *
 * <p>Confined to one client connection's event loop. {@link #begin} allocates nothing; only a miss
 * does.
 */
public final class AssetFallback {
  private final AssetMeters meters;
  private CompiledHost host;
  private CompiledRoute route;
  private boolean assetGet;
  private List<VersionTarget> tried;

  public AssetFallback(AssetMeters meters) {
    this.meters = meters;
  }

  /** Starts an exchange routed to {@code route} of {@code host}. */
  public void begin(CompiledHost host, CompiledRoute route, HttpMethod method, String path) {
    this.host = host;
    this.route = route;
    this.tried = null;
    this.assetGet = HttpMethod.GET.equals(method) && host.assets().isAsset(path, route.prefix());
  }

  /** True when the exchange is a {@code GET} for an asset path. */
  public boolean isAssetGet() {
    return assetGet;
  }

  /**
   * {@code answered} replied 404. Counts the miss when the request is an asset {@code GET}, and
   * returns the version to ask next, or null to relay the 404.
   *
   * @param replayable whether the request can be sent again (complete, no body byte sent)
   */
  public VersionTarget onNotFound(VersionTarget answered, boolean replayable, long nowNanos) {
    if (!assetGet) {
      return null;
    }
    meters.miss(host.name(), answered.name());
    if (!host.assets().fallback() || !replayable) {
      return null;
    }
    if (tried == null) {
      tried = new ArrayList<>(2);
    }
    tried.add(answered);
    VersionTarget next = next(nowNanos);
    if (next != null) {
      meters.fallback(host.name(), answered.name(), next.name());
    }
    return next;
  }

  private VersionTarget next(long nowNanos) {
    long drain = host.affinity().drainTimeoutNanos();
    VersionTarget best = null;
    VersionTarget draining = null;
    for (VersionTarget v : route.versions()) {
      if (tried.contains(v) || !v.hasReadyEndpoint()) {
        continue;
      }
      VersionState state = v.state(nowNanos, drain);
      if (state == VersionState.SERVING) {
        if (best == null || v.weight() > best.weight()) {
          best = v;
        }
      } else if (state == VersionState.DRAINING && draining == null) {
        draining = v;
      }
    }
    return best != null ? best : draining;
  }

  /** Forgets the exchange, so a finished one holds no table alive. */
  public void end() {
    host = null;
    route = null;
    tried = null;
    assetGet = false;
  }
}
