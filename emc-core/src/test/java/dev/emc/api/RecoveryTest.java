package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Simulate 100,000 rows from known parameters (Old Faithful's fit) with {@code emc simulate}'s
 * sampler, fit them back, and require every estimate within 4 standard errors of the truth. The
 * components are far apart, so the complete-data standard errors hold: √(φ(1−φ)/N) for a weight,
 * √(Σ_ii / (Nφ_k)) for a mean, √((Σ_ii Σ_jj + Σ_ij²) / (Nφ_k)) for a covariance entry.
 */
class RecoveryTest {
  private static final double[] PHI = {0.644, 0.356};
  private static final double[][] MU = {{4.29, 79.97}, {2.04, 54.48}};
  private static final double[][][] SIGMA = {{{0.170, 0.941}, {0.941, 36.05}}, {{0.0692, 0.435}, {0.435, 33.70}}};

  @Test
  void aSimulatedMixtureIsRecoveredWithinFourStandardErrors() throws Exception {
    int n = 100_000;
    Model model = Fits.model(java.nio.file.Files.readString(java.nio.file.Path.of("examples/gmm.model")), Map.of());
    Bound bound = model.bind(Map.of("D", 2.0));
    Map<String, double[]> truth = Map.of("phi", PHI, "mu", new double[] {4.29, 79.97, 2.04, 54.48},
        "Sigma", new double[] {0.170, 0.941, 0.941, 36.05, 0.0692, 0.435, 0.435, 33.70});
    Simulation sim = bound.simulate(truth, n, 1, 42, java.util.List.of("eruptions", "waiting"));
    long ones = java.util.Arrays.stream(sim.latents()).filter(z -> z[0] == 1).count();
    within(PHI[0], ones / (double) n, Math.sqrt(PHI[0] * PHI[1] / n), "the simulated share of component 1");
    FitResult r = bound.compile().fit(sim.data(), FitOptions.defaults());
    // Components come back in either order; match them by their first mean.
    double[] mu = r.params().get("mu");
    int first = Math.abs(mu[0] - MU[0][0]) < Math.abs(mu[2] - MU[0][0]) ? 0 : 1;
    for (int k = 0; k < 2; k++) {
      int fitted = k == 0 ? first : 1 - first;
      double nk = n * PHI[k];
      within(PHI[k], r.params().get("phi")[fitted], Math.sqrt(PHI[k] * (1 - PHI[k]) / n), "phi " + k);
      for (int i = 0; i < 2; i++) {
        within(MU[k][i], mu[fitted * 2 + i], Math.sqrt(SIGMA[k][i][i] / nk), "mu " + k + "," + i);
        for (int j = 0; j < 2; j++) {
          double se = Math.sqrt((SIGMA[k][i][i] * SIGMA[k][j][j] + SIGMA[k][i][j] * SIGMA[k][i][j]) / nk);
          within(SIGMA[k][i][j], r.params().get("Sigma")[fitted * 4 + i * 2 + j], se, "Sigma " + k + "," + i + j);
        }
      }
    }
  }

  private static void within(double truth, double estimate, double se, String what) {
    assertTrue(Math.abs(estimate - truth) <= 4 * se, what + ": " + estimate + " is "
        + Math.abs(estimate - truth) / se + " standard errors from " + truth);
  }

  /** μ + L z with L the Cholesky factor of Σ (2×2). */
  static double[] gaussian(SplittableRandom rng, double[] mu, double[][] s) {
    double l11 = Math.sqrt(s[0][0]);
    double l21 = s[1][0] / l11;
    double l22 = Math.sqrt(s[1][1] - l21 * l21);
    double z1 = rng.nextGaussian();
    double z2 = rng.nextGaussian();
    return new double[] {mu[0] + l11 * z1, mu[1] + l21 * z1 + l22 * z2};
  }

  @Test
  void theResultIsTheSameOnOneThreadAsOnSeveral() throws Exception {
    SplittableRandom rng = new SplittableRandom(5);
    double[][] x = new double[20_000][];
    for (int i = 0; i < x.length; i++) {
      x[i] = gaussian(rng, MU[i % 2], SIGMA[i % 2]);
    }
    Compiled c = Fits.model("K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of())
        .bind(Fits.table(x, "a", "b"), BindOptions.defaults()).compile();
    FitResult one = c.fit(FitOptions.defaults().withThreads(1).withTol(0).withMaxIter(20));
    FitResult four = c.fit(FitOptions.defaults().withThreads(4).withTol(0).withMaxIter(20));
    assertTrue(one.logLikelihood() == four.logLikelihood(), one.logLikelihood() + " vs " + four.logLikelihood());
    assertTrue(java.util.Arrays.equals(one.params().get("Sigma"), four.params().get("Sigma")));
  }
}
