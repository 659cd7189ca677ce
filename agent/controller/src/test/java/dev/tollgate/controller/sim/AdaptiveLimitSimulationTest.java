package dev.tollgate.controller.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.controller.sim.AdaptiveLimitSimulation.Result;
import org.junit.jupiter.api.Test;

/**
 * The simulation runs on simulated time, so its figures are deterministic and belong in a test: the
 * adaptive limit settles near the knee (64) and delivers at least 95 % of the best fixed limit's
 * goodput, while a fixed cap of 500 collapses.
 */
class AdaptiveLimitSimulationTest {

  @Test
  void adaptiveFindsTheKneeAndAFixed500Collapses() throws Exception {
    double seconds = 1200;
    Result best = null;
    for (int max : new int[] {56, 64, 72, 80}) {
      Result r =
          AdaptiveLimitSimulation.run(
              "fixed " + max, AdaptiveLimitSimulation.fixed(max), seconds, 1);
      if (best == null || r.goodput > best.goodput) {
        best = r;
      }
    }
    Result adaptive =
        AdaptiveLimitSimulation.run("adaptive", AdaptiveLimitSimulation.adaptive(), seconds, 1);
    Result fixed500 =
        AdaptiveLimitSimulation.run("fixed 500", AdaptiveLimitSimulation.fixed(500), seconds, 1);
    assertThat(adaptive.goodput).isGreaterThanOrEqualTo(0.95 * best.goodput);
    assertThat(adaptive.avgLimit).isBetween(56.0, 80.0);
    assertThat(fixed500.goodput).isLessThan(0.25 * best.goodput);
  }
}
