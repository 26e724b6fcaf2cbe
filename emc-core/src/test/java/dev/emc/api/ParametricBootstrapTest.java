package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.Bootstrap;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Information;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parametric bootstrap (data sets drawn from the fit, each refitted) against the analytic
 * standard errors of the observed information: both estimate the spread of the estimates under the
 * fitted model, the one by Monte Carlo, the other to first order. An SE from B replicates has a
 * relative standard error of about 1/√(2(B − 1)); each ratio must be within 4 of those of 1
 * (B = 200: 0.20; B = 100: 0.28). A bootstrap that drew from the wrong parameters, or
 * did not match the replicates' components, would be off by far more: swapped labels spread φ over
 * its whole range.
 */
class ParametricBootstrapTest {
  @Test
  void aPoissonMixture() throws Exception {
    check("examples/poisson.model", "examples/data/poisson.csv", BindOptions.defaults(), 200);
  }

  /** The reference fit, Old Faithful with full covariances. */
  @Test
  void theReferenceGaussianMixture() throws Exception {
    check("examples/gmm.model", "examples/data/faithful.csv", BindOptions.defaults(), 100);
  }

  /** A hidden Markov model, whose rows the other kinds cannot reweight one by one. */
  @Test
  void aHiddenMarkovModel() throws Exception {
    check("examples/hmm.model", "examples/data/hmm.csv", BindOptions.defaults().withSequence("seq"), 100);
  }

  @Test
  void aReplicateIsLikeTheData() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/hmm.csv")), BindOptions.defaults().withSequence("seq"));
    FitResult fit = bound.compile().fit(FitOptions.defaults().withThreads(1));
    DataMatrix data = bound.data().orElseThrow();
    DataMatrix drawn = bound.simulateLike(fit.params(), data, 3);
    assertEquals(data.rows(), drawn.rows());
    assertEquals(data.names(), drawn.names());
    assertTrue(java.util.Arrays.equals(data.sequenceBounds(), drawn.sequenceBounds()));
  }

  private static void check(String model, String csv, BindOptions options, int b) throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of(model)), Map.of()).bind(Table.read(Path.of(csv)), options);
    Compiled compiled = bound.compile();
    FitOptions fitOptions = FitOptions.defaults().withThreads(2).withSeed(1);
    FitResult fit = compiled.fit(fitOptions);
    DataMatrix data = bound.data().orElseThrow();
    Information info = Information.of(compiled.newModel(), fit.params(), data);
    Bootstrap.Result boot = Bootstrap.run(compiled::newModel, fit, data, fitOptions, Bootstrap.Kind.PARAMETRIC, b, 11,
        bound.relabelling(), 2, seed -> bound.simulateLike(fit.params(), data, seed));
    assertEquals(0, boot.failed());
    double tolerance = 4 / Math.sqrt(2.0 * (b - 1));
    double worst = 0;
    for (var e : info.standardErrors().entrySet()) {
      double[] analytic = e.getValue();
      double[] bootstrap = boot.standardErrors().get(e.getKey());
      for (int i = 0; i < analytic.length; i++) {
        double r = bootstrap[i] / analytic[i];
        worst = Math.max(worst, Math.abs(r - 1));
        assertTrue(Math.abs(r - 1) <= tolerance, model + " " + e.getKey() + "[" + i + "]: bootstrap " + bootstrap[i]
            + ", analytic " + analytic[i]);
      }
    }
    System.out.printf("%s: B = %d, largest |bootstrap SE / analytic SE − 1| = %.3f (allowed %.3f)%n", model, b, worst,
        tolerance);
  }
}
