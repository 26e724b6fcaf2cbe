package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.FitException;
import dev.emc.runtime.FitOptions;
import dev.emc.runtime.FitResult;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Components that empty or collapse: handled, never NaN. */
class DegenerateFitTest {
  private static final String GMM = "K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);";

  @Test
  void aComponentFarFromEveryRowEmptiesAndTheFitGoesOn() throws Exception {
    Compiled c = Fits.model(GMM, Map.of()).bind(dev.emc.runtime.Table.read(Fits.FAITHFUL), Optional.empty()).compile();
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
        .bind(Fits.table(x, "a", "b"), Optional.empty()).compile();
    FitException e = assertThrows(FitException.class, () -> c.fit(FitOptions.defaults().withReg(0)));
    assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
    assertTrue(e.getMessage().contains("--reg > 0"), e.getMessage());
    // With the default regularization the lone row keeps a small but proper covariance.
    FitResult r = c.fit(FitOptions.defaults());
    assertTrue(Double.isFinite(r.logLikelihood()));
  }
}
