package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Components that empty or collapse: handled, never NaN. */
class DegenerateFitTest {
  private static final String GMM = "K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);";

  @Test
  void aComponentFarFromEveryRowEmptiesAndTheFitGoesOn() throws Exception {
    Compiled c = Fits.model(GMM, Map.of()).bind(dev.emc.runtime.data.Table.read(Fits.FAITHFUL), BindOptions.defaults())
        .compile();
    Map<String, double[]> start = Map.of(
        "phi", new double[] {0.4, 0.4, 0.2},
        "mu", new double[] {2, 55, 4.5, 80, 1e6, 1e6},
        "Sigma", new double[] {1, 0, 0, 100, 1, 0, 0, 100, 1, 0, 0, 1});
    FitResult r = c.fit(FitOptions.defaults().withStart(start));
    assertTrue(Double.isFinite(r.logLikelihood()));
    assertEquals(-1130.26396, r.logLikelihood(), 1e-4);
    assertEquals(0.0, r.params().get("phi")[2], 1e-300);
    assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("component 3 is empty")), r.warnings().toString());
    for (double v : r.params().get("Sigma")) {
      assertTrue(Double.isFinite(v));
    }
  }

  @Test
  void aComponentThatCollapsesOntoOneRowIsAClearErrorWithoutRegularization() throws Exception {
    double[][] x = new double[41][];
    for (int i = 0; i < 40; i++) {
      x[i] = new double[] {Math.sin(i), Math.cos(3 * i)};
    }
    x[40] = new double[] {100, 100};
    Compiled c = Fits.model("K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of())
        .bind(Fits.table(x, "a", "b"), BindOptions.defaults()).compile();
    FitException e = assertThrows(FitException.class, () -> c.fit(FitOptions.defaults().withReg(0)));
    assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
    assertTrue(e.getMessage().contains("--reg > 0"), e.getMessage());
    // With the default regularization the lone row keeps a small but proper covariance.
    FitResult r = c.fit(FitOptions.defaults());
    assertTrue(Double.isFinite(r.logLikelihood()));
  }

  /**
   * Counts with many zeros: k-means (at the default seed) puts the zeros in a cluster of their
   * own, whose rate starts at 0, outside its range. The fit starts again from the k-means labels
   * with some randomness in them, says so, and reaches a mixture whose log-likelihood, recomputed
   * here from the Poisson probabilities, is the one reported, and at least that of one Poisson
   * at the mean (the closed-form fit of a single component, which the mixture contains).
   */
  @Test
  void aDegenerateKMeansStartFallsBackToAJitteredOne() throws Exception {
    int[] counts = {60, 30, 8, 1, 1}; // how many rows have 0, 1, 2, 3, 4
    java.util.List<double[]> rows = new java.util.ArrayList<>();
    for (int x = 0; x < counts.length; x++) {
      for (int i = 0; i < counts[x]; i++) {
        rows.add(new double[] {x});
      }
    }
    FitResult r = Fits.fit("K = 2; data c : count; z ~ Categorical(phi); c ~ Poisson(lambda[z]);",
        Fits.table(rows.toArray(double[][]::new), "c"), FitOptions.defaults());
    assertEquals(java.util.List.of("the k-means start is degenerate (lambda has 0.0 where it must be positive),"
        + " so the fit starts from the k-means labels with jittered responsibilities instead"), r.warnings());
    double[] phi = r.params().get("phi");
    double[] lambda = r.params().get("lambda");
    double ll = 0;
    double single = 0;
    double mean = (30 * 1 + 8 * 2 + 3 + 4) / 100.0; // one Poisson's maximum-likelihood rate
    for (int x = 0; x < counts.length; x++) {
      double p = 0;
      for (int k = 0; k < 2; k++) {
        p += phi[k] * Math.exp(x * Math.log(lambda[k]) - lambda[k] - logFactorial(x));
      }
      ll += counts[x] * Math.log(p);
      single += counts[x] * (x * Math.log(mean) - mean - logFactorial(x));
    }
    assertEquals(ll, r.logLikelihood(), 1e-9 * Math.abs(ll));
    assertTrue(r.logLikelihood() >= single - 1e-9, r.logLikelihood() + " < " + single);
  }

  private static double logFactorial(int x) {
    double s = 0;
    for (int i = 2; i <= x; i++) {
      s += Math.log(i);
    }
    return s;
  }
}
