package io.turnout.bench.controller;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;

/**
 * The Kubernetes API the controller benchmarks run against: fabric8's mock server in CRUD mode
 * (real HTTP and watches, objects kept as created), with its per-request logging quieted so it does
 * not weigh on what is measured. Not thread-confined; the caller closes it.
 */
final class MockApiServer {
  private MockApiServer() {}

  /** A started CRUD mock API server; {@code createClient()} gives a client for it. */
  static KubernetesMockServer startCrud() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    api.init();
    return api;
  }
}
