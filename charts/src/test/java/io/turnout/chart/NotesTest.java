package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as `helm install` prints it, tells how to reach the gateway and shift weights. */
class NotesTest {

  private static String notes(String... sets) {
    FakeKubernetesApi.start();
    var install =
        new Helm(TurnoutChart.DIR)
            .install()
            .withName(TurnoutChart.RELEASE)
            .withNamespace(TurnoutChart.NAMESPACE)
            .withKubeVersion(TurnoutChart.KUBE_VERSION)
            .clientOnly()
            .dryRun()
            .withDryRunOption(DryRun.CLIENT);
    for (int i = 0; i < sets.length; i += 2) {
      install = install.set(sets[i], sets[i + 1]);
    }
    String output = install.call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  @Test
  void notesShowHowToFindTheLoadBalancerAddressAndShiftWeights() {
    String notes = notes();

    assertTrue(notes.contains("kubectl get svc turnout-gateway -n edge"), notes);
    assertTrue(notes.contains(".status.loadBalancer.ingress[0]"), notes);
    assertTrue(notes.contains("turnout.io/weight=25 --overwrite"), notes);
    assertTrue(notes.contains("turnout weight shop.example.com blue=75 green=25"), notes);
    assertTrue(notes.contains("turnout switch shop.example.com green"), notes);
  }

  @Test
  void notesForAClusterIpGatewayUsePortForward() {
    String notes = notes("gateway.service.type", "ClusterIP");

    assertTrue(notes.contains("kubectl port-forward svc/turnout-gateway -n edge"), notes);
    assertTrue(!notes.contains(".status.loadBalancer"), notes);
  }
}
