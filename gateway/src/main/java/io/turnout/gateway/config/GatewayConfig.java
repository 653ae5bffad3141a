package io.turnout.gateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.turnout.gateway.snapshot.HostSpec;
import java.util.List;

/**
 * The gateway's configuration file (docs/REFERENCE.md, configuration), as parsed. Every section may
 * be left out; its defaults are documented on its record.
 *
 * @param listen ports and interface
 * @param affinity global affinity defaults
 * @param preview the preview override
 * @param trustedProxies client addresses or CIDRs whose {@code X-Forwarded-*} headers are believed
 *     (for {@code Secure} cookies and the forwarded chain)
 * @param upstream connections to endpoints
 * @param limits client limits and timeouts
 * @param shutdown graceful shutdown
 * @param accessLog whether to write an access log line per request (default true)
 * @param hosts the routes; ignored when routes come from a controller
 * @param tls certificate and key for {@code listen.https}, or null
 * @param assets the asset skew guard's defaults; a host may override them
 * @param mirror limits on the copies sent to mirror versions
 * @param http2 HTTP/2 on the client side: whether offered, and its limits
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayConfig(
    ListenSettings listen,
    AffinitySettings affinity,
    PreviewSettings preview,
    List<String> trustedProxies,
    UpstreamSettings upstream,
    LimitSettings limits,
    ShutdownSettings shutdown,
    Boolean accessLog,
    List<HostSpec> hosts,
    TlsSettings tls,
    AssetSettings assets,
    MirrorSettings mirror,
    Http2Settings http2) {

  public GatewayConfig {
    listen = listen == null ? ListenSettings.DEFAULTS : listen;
    affinity =
        affinity == null
            ? AffinitySettings.DEFAULTS
            : AffinitySettings.DEFAULTS.overriddenBy(affinity);
    preview = preview == null ? PreviewSettings.DEFAULTS : preview;
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    upstream = upstream == null ? UpstreamSettings.DEFAULTS : upstream;
    limits = limits == null ? LimitSettings.DEFAULTS : limits;
    shutdown = shutdown == null ? ShutdownSettings.DEFAULTS : shutdown;
    accessLog = accessLog == null ? Boolean.TRUE : accessLog;
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    assets = AssetSettings.DEFAULTS.overriddenBy(assets);
    mirror = mirror == null ? MirrorSettings.DEFAULTS : mirror;
    http2 = http2 == null ? Http2Settings.DEFAULTS : http2;
  }

  /** A configuration with every default and no hosts. */
  public static GatewayConfig defaults() {
    return new GatewayConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
