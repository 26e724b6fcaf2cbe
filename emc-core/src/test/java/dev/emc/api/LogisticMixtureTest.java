package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.Special;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mixtures of logistic regressions, {@code y ~ Bernoulli(logistic(dot(beta[z], u)))}: the M-step
 * of the coefficients is Böhning and Lindsay's bound step, β + 4 S_uu⁻¹ S_g, a generalized EM.
 * Expected numbers: that EM written out over the rows below, and R flexmix (whose M-step runs IRLS
 * to convergence: the same maxima), logistic_mixture_flexmix.R beside its JSON.
 */
class LogisticMixtureTest {
  private static final Path MODEL = Path.of("examples/logistic-mixture.model");
  private static final Path DATA = Path.of("examples/data/logistic-mixture.csv");

  private static Compiled compiled() throws Exception {
    return Fits.model(Files.readString(MODEL), Map.of()).bind(Table.read(DATA), BindOptions.defaults())
        .compile();
  }

  @Test
  void eachIterationIsTheBoundStepWrittenOut() throws Exception {
    Reference ref = new Reference(Fits.rows(DATA), new double[] {0.5, 0.5}, new double[] {1, 1, 1, -1});
    int iterations = 50;
    FitResult r = compiled().fit(FitOptions.defaults().withTol(0).withMaxIter(iterations)
        .withStart(Map.of("phi", ref.phi.clone(), "beta", ref.beta.clone())));
    for (int i = 0; i <= iterations; i++) {
      double ll = ref.eStep();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
      if (i < iterations) {
        ref.mStep();
      }
    }
    assertClose(ref.phi, r.params().get("phi"), 1e-10, "phi");
    assertClose(ref.beta, r.params().get("beta"), 1e-10, "beta");
  }

  @Test
  void theFitIsFlexmixs() throws Exception {
    JsonNode flexmix = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/logistic_mixture_flexmix.json").toFile());
    // The bound step converges linearly: a tight tolerance and room for the iterations.
    FitResult r = compiled().fit(FitOptions.defaults().withTol(1e-14).withMaxIter(20000).withRestarts(5));
    double expected = flexmix.get("logLik").asDouble();
    assertEquals(expected, r.logLikelihood(), 1e-6);
    // Components in flexmix's order: by slope.
    double[] beta = r.params().get("beta");
    int first = beta[1] < beta[3] ? 0 : 1;
    int[] order = {first, 1 - first};
    double[] phi = new double[2];
    double[] coefficients = new double[4];
    for (int j = 0; j < 2; j++) {
      phi[j] = r.params().get("phi")[order[j]];
      coefficients[2 * j] = beta[2 * order[j]];
      coefficients[2 * j + 1] = beta[2 * order[j] + 1];
    }
    assertClose(ReferenceFitTest.flat(flexmix.get("phi")), phi, 1e-4, "phi");
    assertClose(ReferenceFitTest.flat(flexmix.get("beta")), coefficients, 1e-4, "beta");
    assertEquals(2 * 2 + 1, r.model().freeParameters()); // β 2×2, φ 1
    Fits.assertMonotone(r.trace());
  }

  @Test
  void theLogNormalizerIsStable() {
    assertEquals(800, Special.log1pExp(800), 0);
    assertEquals(Math.exp(-800), Special.log1pExp(-800), 0);
    assertEquals(Math.log(2), Special.log1pExp(0), 1e-16);
    assertEquals(1, Special.logistic(800), 0);
    assertEquals(Math.exp(-800), Special.logistic(-800), 0);
    assertEquals(1 / (1 + Math.exp(-1.5)), Special.logistic(1.5), 1e-16);
  }

  /** The generalized EM, written out: σ(x) = 1 / (1 + e^−x), β_k = (beta[2k], beta[2k + 1]). */
  private static final class Reference {
    final double[][] rows;
    final double[] phi;
    final double[] beta;
    final double[][] resp;

    Reference(double[][] rows, double[] phi, double[] beta) {
      this.rows = rows;
      this.phi = phi.clone();
      this.beta = beta.clone();
      this.resp = new double[rows.length][2];
    }

    private double eta(double[] row, int k) {
      return beta[2 * k] * row[1] + beta[2 * k + 1] * row[2];
    }

    /** The responsibilities; returns the log-likelihood. */
    double eStep() {
      double ll = 0;
      for (int n = 0; n < rows.length; n++) {
        double total = 0;
        for (int k = 0; k < 2; k++) {
          double p = 1 / (1 + Math.exp(-eta(rows[n], k)));
          resp[n][k] = phi[k] * (rows[n][0] == 1 ? p : 1 - p);
          total += resp[n][k];
        }
        for (int k = 0; k < 2; k++) {
          resp[n][k] /= total;
        }
        ll += Math.log(total);
      }
      return ll;
    }

    /** φ_k = N_k / N; β_k ← β_k + 4 (Σ r u uᵀ)⁻¹ Σ r (y − σ(β_kᵀu)) u. */
    void mStep() {
      for (int k = 0; k < 2; k++) {
        double nk = 0;
        double a = 0;
        double b = 0;
        double c = 0;
        double g0 = 0;
        double g1 = 0;
        for (int n = 0; n < rows.length; n++) {
          double[] row = rows[n];
          double r = resp[n][k];
          double e = r * (row[0] - 1 / (1 + Math.exp(-eta(row, k))));
          nk += r;
          a += r * row[1] * row[1];
          b += r * row[1] * row[2];
          c += r * row[2] * row[2];
          g0 += e * row[1];
          g1 += e * row[2];
        }
        double det = a * c - b * b;
        double step0 = (c * g0 - b * g1) / det;
        double step1 = (a * g1 - b * g0) / det;
        beta[2 * k] += 4 * step0;
        beta[2 * k + 1] += 4 * step1;
        phi[k] = nk / rows.length;
      }
    }
  }
}
