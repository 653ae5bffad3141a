package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketProxyTest {
  @Test
  void webSocketEchoPassesThroughTheGateway() throws Exception {
    try (TestUpstream ws = TestUpstream.startWithWebSocket("ws-green");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                hosts:
                  - host: "*"
                    routes: [{path: /, versions: [{name: green, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(ws.endpoint()))) {
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket socket =
          gw.client()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + gw.httpPort() + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                      received.add(data.toString());
                      w.request(1);
                      return CompletableFuture.completedFuture(null);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 50; i++) {
        socket.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
        assertEquals("ws-green:hello " + i, received.poll(5, TimeUnit.SECONDS));
      }
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }
  }
}
