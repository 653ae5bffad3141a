package io.turnout.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a client connection is: its address as the access log and {@code X-Forwarded-For} show it,
 * whether that address is a trusted proxy hop (whose forwarded headers are believed), and whether
 * the connection is TLS. Read once per connection, shared by every request on it.
 *
 * <p>Immutable.
 *
 * @param ip the peer's IP address, or "unknown" when it has none (an embedded channel)
 * @param trustedHop whether the peer is in {@code proxy.trustedProxies}
 * @param tls whether the connection is TLS
 */
record ClientAddress(String ip, boolean trustedHop, boolean tls) {

  /** Reads {@code connection}'s peer and pipeline. */
  static ClientAddress of(Channel connection, ProxyContext proxy) {
    SocketAddress remote = connection.remoteAddress();
    String ip;
    if (remote instanceof InetSocketAddress isa) {
      ip = isa.getAddress() == null ? isa.getHostString() : isa.getAddress().getHostAddress();
    } else {
      ip = "unknown";
    }
    // "tls" is the SNI handler until the handshake picks a certificate and puts SslHandler there.
    boolean tls =
        connection.pipeline().get(SslHandler.class) != null
            || connection.pipeline().get("tls") != null;
    return new ClientAddress(ip, proxy.isTrusted(remote), tls);
  }
}
