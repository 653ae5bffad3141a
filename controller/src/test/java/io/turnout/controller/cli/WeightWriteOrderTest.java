package io.turnout.controller.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.turnout.controller.FakeCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An explicit weight 0 is dark and never promoted, so a switch that lowered blue before raising
 * green would leave the host with no serving version (503) between the two writes. The CLI writes
 * the highest weights first.
 */
class WeightWriteOrderTest {
  @Test
  void switchRaisesTheNewVersionBeforeItLowersTheOldOne() throws Exception {
    try (FakeCluster cluster = new FakeCluster()) {
      cluster.shopApp("100", "0");
      cluster.slice("shop", "shop-blue", "http", 8080, List.of("10.0.0.1"), List.of());
      cluster.slice("shop", "shop-green", "http", 8080, List.of("10.0.1.1"), List.of());
      List<String> writes = new CopyOnWriteArrayList<>();
      try (Watch watch =
          cluster
              .client()
              .services()
              .inNamespace("shop")
              .watch(
                  new Watcher<Service>() {
                    @Override
                    public void eventReceived(Action action, Service s) {
                      if (action == Action.MODIFIED) {
                        writes.add(
                            s.getMetadata().getName()
                                + "="
                                + s.getMetadata().getAnnotations().get("turnout.io/weight"));
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        cluster.turnout("switch", "shop.example.com", "green").succeeded();
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertEquals(List.of("shop-green=100", "shop-blue=0"), writes));
      }
    }
  }
}
