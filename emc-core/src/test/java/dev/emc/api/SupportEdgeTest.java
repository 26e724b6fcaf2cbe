package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import org.junit.jupiter.api.Test;

/**
 * Data on the edge of a family's support: a yes/no column that is always 1, counts that are all 0,
 * successes in every trial. The maximum-likelihood probability is then 0 or 1, and the terms of
 * values that cannot occur are 0 · log 0, which must count as 0 (the limit of x log x), not NaN.
 */
class SupportEdgeTest {
  /**
   * One component, so the fit is the closed form: every probability is the share of ones (of
   * successes, of successes among tries) and is exactly 0 or 1, and each row's probability is 1:
   * log-likelihood 0. The Beta(1, 1) and Dirichlet(1) priors are flat, log density 0 (log Γ(2) −
   * 2 log Γ(1)), so the objective is 0 too.
   */
  @Test
  void probabilitiesOfZeroAndOneFitWithLogLikelihoodZero() throws Exception {
    String model = """
        K = 1;
        data yes : binary;  data no : binary;
        data none : count;  data all : count;  data fails : count;
        z ~ Categorical(phi);
        yes ~ Bernoulli(p1[z]);       no ~ Bernoulli(p0[z]);
        all ~ Binomial(5, b1[z]);     fails ~ Binomial(5, b0[z]);
        none ~ Geometric(g[z]);
        p1 ~ Beta(1, 1);  p0 ~ Beta(1, 1);  b1 ~ Beta(1, 1);  b0 ~ Beta(1, 1);  g ~ Beta(1, 1);
        phi ~ Dirichlet(1);
        """;
    double[][] rows = new double[12][];
    for (int n = 0; n < rows.length; n++) {
      rows[n] = new double[] {1, 0, 0, 5, 0};
    }
    FitResult r = Fits.fit(model, Fits.table(rows, "yes", "no", "none", "all", "fails"), FitOptions.defaults());
    assertEquals(0.0, r.logLikelihood(), 0.0);
    assertEquals(0.0, r.objective(), 0.0);
    assertArrayEquals(new double[] {1}, r.params().get("p1"));
    assertArrayEquals(new double[] {0}, r.params().get("p0"));
    assertArrayEquals(new double[] {1}, r.params().get("b1"));
    assertArrayEquals(new double[] {0}, r.params().get("b0"));
    assertArrayEquals(new double[] {1}, r.params().get("g"));
  }

  /**
   * A two-class model from the default start, with one column always 1 and one that alternates:
   * the always-1 column is certain in both classes (p = 1, its terms 0), and the other's marginal
   * probability of a 1 is Σ φ_k q_k, best at the share of ones, ½: log-likelihood N log ½.
   */
  @Test
  void aColumnThatIsAlways1FitsAsCertainFromTheDefaultStart() throws Exception {
    String model = "K = 2; data x : binary[2]; z ~ Categorical(phi); x ~ Bernoulli(p[z]);";
    double[][] rows = new double[30][];
    for (int n = 0; n < rows.length; n++) {
      rows[n] = new double[] {1, n % 2};
    }
    FitResult r = Fits.fit(model, Fits.table(rows, "always", "alternates"), FitOptions.defaults());
    assertEquals(30 * Math.log(0.5), r.logLikelihood(), 1e-9);
    double[] p = r.params().get("p");
    assertEquals(1.0, p[0], 0.0);
    assertEquals(1.0, p[2], 0.0);
  }
}
