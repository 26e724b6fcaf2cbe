package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * A binomial mixture whose rows each have their own number of trials, a covariate: the M-step
 * stays closed-form, p_k = Σ r y / Σ r n. Expected numbers: EM written out over the rows below, and
 * R flexmix (binomial_trials_flexmix.R beside its JSON).
 */
class BinomialTrialsTest {
  private static final Path MODEL = Path.of("examples/binomial-trials.model");
  private static final Path DATA = Path.of("examples/data/binomial-trials.csv");

  private static Bound bound() throws Exception {
    return Fits.model(Files.readString(MODEL), Map.of()).bind(Table.read(DATA), BindOptions.defaults());
  }

  @Test
  void eachIterationIsEmWrittenOut() throws Exception {
    Reference ref = new Reference(Fits.rows(DATA), new double[] {0.5, 0.5}, new double[] {0.3, 0.6});
    int iterations = 40;
    FitResult r = bound().compile().fit(FitOptions.defaults().withTol(0).withMaxIter(iterations)
        .withStart(Map.of("phi", ref.phi.clone(), "p", ref.p.clone())));
    for (int i = 0; i <= iterations; i++) {
      double ll = ref.eStep();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
      if (i < iterations) {
        ref.mStep();
      }
    }
    assertClose(ref.phi, r.params().get("phi"), 1e-10, "phi");
    assertClose(ref.p, r.params().get("p"), 1e-10, "p");
  }

  @Test
  void theFitIsFlexmixs() throws Exception {
    JsonNode flexmix = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/binomial_trials_flexmix.json").toFile());
    FitResult r = bound().compile().fit(FitOptions.defaults().withTol(1e-14).withRestarts(5));
    double expected = flexmix.get("logLik").asDouble();
    assertEquals(expected, r.logLikelihood(), 1e-6);
    // Components in flexmix's order: by success probability.
    int first = r.params().get("p")[0] < r.params().get("p")[1] ? 0 : 1;
    int[] order = {first, 1 - first};
    double[] phi = new double[2];
    double[] p = new double[2];
    for (int j = 0; j < 2; j++) {
      phi[j] = r.params().get("phi")[order[j]];
      p[j] = r.params().get("p")[order[j]];
    }
    assertClose(ReferenceFitTest.flat(flexmix.get("phi")), phi, 1e-6, "phi");
    assertClose(ReferenceFitTest.flat(flexmix.get("p")), p, 1e-6, "p");
    assertEquals(2 + 1, r.model().freeParameters());
  }

  @Test
  void predictionIsEachRowsPosteriorWrittenOut() throws Exception {
    Bound bound = bound();
    Compiled compiled = bound.compile();
    Map<String, double[]> params = Map.of("phi", new double[] {0.4, 0.6}, "p", new double[] {0.25, 0.65});
    Prediction prediction = compiled.predict(params, bound.data().orElseThrow());
    Reference ref = new Reference(Fits.rows(DATA), params.get("phi"), params.get("p"));
    double ll = ref.eStep();
    assertEquals(ll, prediction.logLikelihood(), 1e-10 * Math.abs(ll));
    assertClose(ref.resp, prediction.responsibilities(), 1e-12, "responsibilities");
  }

  @Test
  void aSimulationNeedsTheTrialsItHasNot() throws Exception {
    Map<String, double[]> params = Map.of("phi", new double[] {0.4, 0.6}, "p", new double[] {0.25, 0.65});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bound().simulate(params, 10, 1, 1, null));
    assertTrue(e.getMessage().contains("has the covariate trials"), e.getMessage());
  }

  /** EM for Σ_k φ_k Binomial(y | n, p_k), over rows (y, n), in plain loops. */
  private static final class Reference {
    final double[][] rows;
    final double[] phi;
    final double[] p;
    final double[] resp;

    Reference(double[][] rows, double[] phi, double[] p) {
      this.rows = rows;
      this.phi = phi.clone();
      this.p = p.clone();
      this.resp = new double[rows.length * phi.length];
    }

    /** The responsibilities at the current parameters; the log-likelihood. */
    double eStep() {
      double total = 0;
      int k = phi.length;
      for (int i = 0; i < rows.length; i++) {
        double y = rows[i][0];
        double n = rows[i][1];
        double choose = Gamma.logGamma(n + 1) - Gamma.logGamma(y + 1) - Gamma.logGamma(n - y + 1);
        double[] log = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          log[j] = Math.log(phi[j]) + choose + y * Math.log(p[j]) + (n - y) * Math.log(1 - p[j]);
          max = Math.max(max, log[j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += Math.exp(log[j] - max);
        }
        for (int j = 0; j < k; j++) {
          resp[i * k + j] = Math.exp(log[j] - max) / sum;
        }
        total += max + Math.log(sum);
      }
      return total;
    }

    /** φ_k = N_k / N, p_k = Σ r y / Σ r n, from the last E-step. */
    void mStep() {
      int k = phi.length;
      for (int j = 0; j < k; j++) {
        double count = 0;
        double successes = 0;
        double trials = 0;
        for (int i = 0; i < rows.length; i++) {
          double r = resp[i * k + j];
          count += r;
          successes += r * rows[i][0];
          trials += r * rows[i][1];
        }
        phi[j] = count / rows.length;
        p[j] = successes / trials;
      }
    }
  }
}
