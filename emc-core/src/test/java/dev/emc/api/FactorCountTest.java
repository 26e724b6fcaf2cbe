package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The free parameters BIC counts in factor analysis: W's DQ numbers less the Q(Q − 1)/2 that a
 * rotation of the factors takes, μ's D and Ψ's D (1 for probabilistic PCA), and never more than a
 * mean and a full covariance, D(D + 3)/2 (Ledermann 1937: for diagonal Ψ, more exactly when
 * (D − Q)² &lt; D + Q). A fit past that bound says so.
 */
class FactorCountTest {
  private static final String[] NAMES = {"a", "b", "c", "d", "e", "f"};

  private static Model model(boolean spherical, int q) throws Exception {
    String text = Files.readString(Path.of("examples/factor.model"));
    return Fits.model(spherical ? text.replace("param Psi : positive[D];", "param Psi : positive;") : text,
        Map.of("Q", (double) q));
  }

  @Test
  void bicCountsTheCovariancesFreeNumbersUpToAFullOnes() throws Exception {
    int d = NAMES.length;
    for (boolean spherical : List.of(false, true)) {
      for (int q = 1; q <= d; q++) {
        int count = d * q - q * (q - 1) / 2 + d + (spherical ? 1 : d);
        int expected = Math.min(count, d * (d + 3) / 2);
        Bound bound = model(spherical, q).bind(Fits.table(FactorScaleTest.rows(), NAMES), BindOptions.defaults());
        assertEquals(expected, bound.plan().freeParameters(), "Q = " + q + (spherical ? ", PPCA" : ""));
        if (!spherical) {
          assertEquals((d - q) * (d - q) < d + q, count > d * (d + 3) / 2, "the Ledermann bound at Q = " + q);
        }
      }
    }
    // The generated model says the same: Q = 5 of 6 columns, capped at 6 · 9 / 2 = 27.
    Bound five = model(false, 5).bind(Fits.table(FactorScaleTest.rows(), NAMES), BindOptions.defaults());
    assertEquals(27, five.compile().newModel().freeParameters());
  }

  @Test
  void aFitPastTheBoundWarns() throws Exception {
    FitResult r = model(false, 4).bind(Fits.table(FactorScaleTest.rows(), NAMES), BindOptions.defaults()).compile()
        .fit(FitOptions.defaults().withReg(1e-3).withMaxIter(5));
    assertEquals(List.of("4 factors of 6 columns have more free numbers in their covariance WWᵀ + Psi (24) than a"
        + " full covariance (21), so the model is just a full covariance and BIC counts it as one (the Ledermann"
        + " bound: (D − Q)² < D + Q); at most 3 factors have a structure of their own"), r.warnings());
    FitResult three = model(false, 3).bind(Fits.table(FactorScaleTest.rows(), NAMES), BindOptions.defaults()).compile()
        .fit(FitOptions.defaults().withReg(1e-3).withMaxIter(5));
    assertEquals(List.of(), three.warnings());
  }
}
