package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mixtures of experts, {@code z ~ Categorical(softmax(G * u)); y ~ Normal(dot(beta[z], u), s2[z])}:
 * the weights' coefficients G take Böhning's bound step, g_k − ḡ + 2 (Σ_n u uᵀ)⁻¹ Σ_n (r_nk − π_nk) u,
 * a generalized EM. Expected numbers: that EM written out over the rows below (softmax, weighted
 * least squares, the bound step), and R flexmix with a concomitant multinomial logit
 * (experts_flexmix.R beside its JSON).
 */
class ExpertsTest {
  private static final Path MODEL = Path.of("examples/experts.model");
  private static final Path DATA = Path.of("examples/data/experts.csv");

  private static Bound bound(Table table) throws Exception {
    return Fits.model(Files.readString(MODEL), Map.of()).bind(table, BindOptions.defaults());
  }

  private static Map<String, double[]> start() {
    return Map.of("G", new double[] {0.3, -0.5, -0.3, 0.5}, "beta", new double[] {0, 1, 2, -1},
        "s2", new double[] {1, 1});
  }

  @Test
  void eachIterationIsTheBoundStepWrittenOut() throws Exception {
    Reference ref = new Reference(Fits.rows(DATA), start());
    int iterations = 40;
    FitResult r = bound(Table.read(DATA)).compile().fit(FitOptions.defaults().withReg(0).withTol(0)
        .withMaxIter(iterations).withStart(start()));
    for (int i = 0; i <= iterations; i++) {
      double ll = ref.eStep();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
      if (i < iterations) {
        ref.mStep();
      }
    }
    assertClose(ref.g, r.params().get("G"), 1e-9, "G");
    assertClose(ref.beta, r.params().get("beta"), 1e-9, "beta");
    assertClose(ref.s2, r.params().get("s2"), 1e-9, "s2");
    // The rows stay centred: their sum is 0 after every step.
    double[] g = r.params().get("G");
    assertEquals(0, g[0] + g[2], 1e-12);
    assertEquals(0, g[1] + g[3], 1e-12);
  }

  @Test
  void theFitIsFlexmixs() throws Exception {
    JsonNode flexmix = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/experts_flexmix.json").toFile());
    // The bound step converges linearly: a tight tolerance and room for the iterations.
    FitResult r = bound(Table.read(DATA)).compile().fit(FitOptions.defaults().withReg(0).withTol(1e-14)
        .withMaxIter(20000).withRestarts(5));
    assertEquals(flexmix.get("logLik").asDouble(), r.logLikelihood(), 1e-6);
    // Components in flexmix's order: by slope.
    double[] beta = r.params().get("beta");
    int first = beta[1] < beta[3] ? 0 : 1;
    int[] order = {first, 1 - first};
    double[] coefficients = new double[4];
    double[] s2 = new double[2];
    double[] g = r.params().get("G");
    double[] contrasts = new double[4];
    int last = order[1];
    for (int j = 0; j < 2; j++) {
      coefficients[2 * j] = beta[2 * order[j]];
      coefficients[2 * j + 1] = beta[2 * order[j] + 1];
      s2[j] = r.params().get("s2")[order[j]];
      // flexmix's first component is its reference, the JSON's the last: only differences of rows compare.
      contrasts[2 * j] = g[2 * order[j]] - g[2 * last];
      contrasts[2 * j + 1] = g[2 * order[j] + 1] - g[2 * last + 1];
    }
    assertClose(ReferenceFitTest.flat(flexmix.get("beta")), coefficients, 1e-6, "beta");
    assertClose(ReferenceFitTest.flat(flexmix.get("s2")), s2, 1e-6, "s2");
    double[] expected = ReferenceFitTest.flat(flexmix.get("G"));
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], contrasts[i], 1e-5, "G contrast " + i);
    }
    assertEquals(2 + 2 * 2 + 2, r.model().freeParameters()); // G: (K − 1)·P, β 2×2, σ² 2
    Fits.assertMonotone(r.trace());
  }

  /**
   * A row of weight 2 counts as the row twice, in Σ_n π_nk u_n too (which every row adds at its
   * weight, not at r_nk): each iteration equals the fit of the rows written twice.
   */
  @Test
  void aWeightedRowCountsAsItsCopies() throws Exception {
    double[][] data = Fits.rows(DATA);
    double[][] twice = new double[2 * data.length][];
    double[][] weighted = new double[data.length][];
    for (int n = 0; n < data.length; n++) {
      twice[2 * n] = data[n];
      twice[2 * n + 1] = data[n];
      weighted[n] = new double[] {data[n][0], data[n][1], data[n][2], 2};
    }
    FitOptions options = FitOptions.defaults().withReg(0).withTol(0).withMaxIter(20).withStart(start());
    FitResult copies = bound(Fits.table(twice, "y", "one", "t")).compile().fit(options);
    FitResult w = Fits.model(Files.readString(MODEL), Map.of())
        .bind(Fits.table(weighted, "y", "one", "t", "w"), BindOptions.defaults().withWeights("w")).compile().fit(options);
    for (int i = 0; i < copies.trace().size(); i++) {
      assertEquals(copies.trace().get(i), w.trace().get(i), 1e-10 * Math.abs(copies.trace().get(i)), "iteration " + i);
    }
    assertClose(copies.params().get("G"), w.params().get("G"), 1e-9, "G");
  }

  @Test
  void predictionIsEachRowsPosteriorAtItsOwnWeights() throws Exception {
    Bound bound = bound(Table.read(DATA));
    Prediction prediction = bound.compile().predict(start(), bound.data().orElseThrow());
    Reference ref = new Reference(Fits.rows(DATA), start());
    double ll = ref.eStep();
    assertEquals(ll, prediction.logLikelihood(), 1e-10 * Math.abs(ll));
    double[] resp = new double[2 * ref.rows.length];
    for (int n = 0; n < ref.rows.length; n++) {
      resp[2 * n] = ref.resp[n][0];
      resp[2 * n + 1] = ref.resp[n][1];
    }
    assertClose(resp, prediction.responsibilities(), 1e-12, "responsibilities");
  }

  /**
   * Coefficients large enough that e^{g_kᵀu} overflows (gᵀu up to 1300): log Σ_j e^{g_jᵀu} is taken
   * about its largest term, so the rows' posteriors and log-likelihood are still the ones written out.
   */
  @Test
  void theWeightsNormalizerDoesNotOverflow() throws Exception {
    Map<String, double[]> params = Map.of("G", new double[] {400, 300, -400, -300},
        "beta", new double[] {0, 1, 2, -1}, "s2", new double[] {1, 1});
    Bound bound = bound(Table.read(DATA));
    Prediction prediction = bound.compile().predict(params, bound.data().orElseThrow());
    Reference ref = new Reference(Fits.rows(DATA), params);
    double ll = ref.eStep();
    assertTrue(Double.isFinite(ll));
    assertEquals(ll, prediction.logLikelihood(), 1e-10 * Math.abs(ll));
  }

  /**
   * A simulation keeps each row's covariates and draws its component from softmax(G u_n): over the
   * data's covariates 25 times, the count of component 1 is within 4 standard deviations of
   * Σ_n π_1(u_n), and a drawn y lies on its component's line.
   */
  @Test
  void aSimulationDrawsEachRowsComponentAtItsCovariates() throws Exception {
    double[][] data = Fits.rows(DATA);
    double[][] rows = new double[25 * data.length][];
    for (int n = 0; n < rows.length; n++) {
      rows[n] = data[n % data.length];
    }
    Map<String, double[]> params = Map.of("G", new double[] {0.25, 0.75, -0.25, -0.75},
        "beta", new double[] {1, 2, 3, -1}, "s2", new double[] {0.25, 0.64});
    Table table = Fits.table(rows, "y", "one", "t");
    Simulation s = bound(Table.read(DATA)).simulate(params, table, 7, List.of("y", "one", "t"));
    Reference ref = new Reference(rows, params);
    double mean = 0;
    double variance = 0;
    double ones = 0;
    double residuals = 0;
    for (int n = 0; n < rows.length; n++) {
      double[] drawn = java.util.Arrays.copyOfRange(s.data().values(), 3 * n, 3 * n + 3);
      assertEquals(rows[n][1], drawn[1], 0, "row " + n + "'s covariate one");
      assertEquals(rows[n][2], drawn[2], 0, "row " + n + "'s covariate t");
      double p = ref.weights(rows[n])[0];
      mean += p;
      variance += p * (1 - p);
      int k = (int) s.latents()[n][0] - 1;
      ones += k == 0 ? 1 : 0;
      residuals += (drawn[0] - ref.eta(ref.beta, drawn, k)) / Math.sqrt(params.get("s2")[k]);
    }
    assertEquals(mean, ones, 4 * Math.sqrt(variance), "rows of component 1");
    assertEquals(0, residuals / rows.length, 4 / Math.sqrt(rows.length), "mean standardized residual");
  }

  /**
   * The generalized EM, written out for K = 2 and u = (one, t): π = softmax(G u), then weighted
   * least squares per expert, the maximum-likelihood variance, and the bound step for G.
   */
  private static final class Reference {
    final double[][] rows;
    final double[] g;
    final double[] beta;
    final double[] s2;
    final double[][] resp;
    final double[][] pi;

    Reference(double[][] rows, Map<String, double[]> params) {
      this.rows = rows;
      this.g = params.get("G").clone();
      this.beta = params.get("beta").clone();
      this.s2 = params.get("s2").clone();
      this.resp = new double[rows.length][2];
      this.pi = new double[rows.length][2];
    }

    double eta(double[] coefficients, double[] row, int k) {
      return coefficients[2 * k] * row[1] + coefficients[2 * k + 1] * row[2];
    }

    /** softmax, shifted by the largest η so that no exp overflows. */
    double[] weights(double[] row) {
      double m = Math.max(eta(g, row, 0), eta(g, row, 1));
      double e0 = Math.exp(eta(g, row, 0) - m);
      double e1 = Math.exp(eta(g, row, 1) - m);
      return new double[] {e0 / (e0 + e1), e1 / (e0 + e1)};
    }

    /** The responsibilities; returns the log-likelihood. */
    double eStep() {
      double ll = 0;
      for (int n = 0; n < rows.length; n++) {
        double[] row = rows[n];
        pi[n] = weights(row);
        double total = 0;
        for (int k = 0; k < 2; k++) {
          double e = row[0] - eta(beta, row, k);
          resp[n][k] = pi[n][k] * Math.exp(-0.5 * e * e / s2[k]) / Math.sqrt(2 * Math.PI * s2[k]);
          total += resp[n][k];
        }
        resp[n][0] /= total;
        resp[n][1] /= total;
        ll += Math.log(total);
      }
      return ll;
    }

    void mStep() {
      // G: g_k − ḡ + 2 S⁻¹ Σ_n (r_nk − π_nk) u_n, S = Σ_n u uᵀ, at the E-step's π.
      double a = 0;
      double b = 0;
      double c = 0;
      double[] grad = new double[4];
      for (int n = 0; n < rows.length; n++) {
        double[] row = rows[n];
        a += row[1] * row[1];
        b += row[1] * row[2];
        c += row[2] * row[2];
        for (int k = 0; k < 2; k++) {
          grad[2 * k] += (resp[n][k] - pi[n][k]) * row[1];
          grad[2 * k + 1] += (resp[n][k] - pi[n][k]) * row[2];
        }
      }
      double det = a * c - b * b;
      double mean0 = (g[0] + g[2]) / 2;
      double mean1 = (g[1] + g[3]) / 2;
      for (int k = 0; k < 2; k++) {
        double step0 = (c * grad[2 * k] - b * grad[2 * k + 1]) / det;
        double step1 = (a * grad[2 * k + 1] - b * grad[2 * k]) / det;
        g[2 * k] += -mean0 + 2 * step0;
        g[2 * k + 1] += -mean1 + 2 * step1;
      }
      // Each expert: weighted least squares, then the mean squared residual about the new line.
      for (int k = 0; k < 2; k++) {
        double nk = 0;
        double saa = 0;
        double sab = 0;
        double sbb = 0;
        double sy0 = 0;
        double sy1 = 0;
        for (int n = 0; n < rows.length; n++) {
          double[] row = rows[n];
          double r = resp[n][k];
          nk += r;
          saa += r * row[1] * row[1];
          sab += r * row[1] * row[2];
          sbb += r * row[2] * row[2];
          sy0 += r * row[0] * row[1];
          sy1 += r * row[0] * row[2];
        }
        double d = saa * sbb - sab * sab;
        beta[2 * k] = (sbb * sy0 - sab * sy1) / d;
        beta[2 * k + 1] = (saa * sy1 - sab * sy0) / d;
        double see = 0;
        for (int n = 0; n < rows.length; n++) {
          double e = rows[n][0] - eta(beta, rows[n], k);
          see += resp[n][k] * e * e;
        }
        s2[k] = see / nk;
      }
    }
  }
}
