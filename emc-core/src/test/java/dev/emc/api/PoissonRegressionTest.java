package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mixtures of Poisson regressions, {@code y ~ Poisson(exp(dot(beta[z], u)))}: the M-step of the
 * coefficients is one Newton (IRLS) step, β + S_w⁻¹ S_g, which the fit driver halves while the
 * objective falls. Expected numbers: that EM written out over the rows below, halvings and all,
 * and R flexmix (whose M-step runs IRLS to convergence: the same maxima),
 * poisson_regression_flexmix.R beside its JSON.
 */
class PoissonRegressionTest {
  private static final Path MODEL = Path.of("examples/poisson-regression.model");
  private static final Path DATA = Path.of("examples/data/poisson-regression.csv");
  /** Far from the fit: the full Newton step from here overshoots, and the first M-step's must be halved. */
  private static final double[] FAR = {0, 2, 0, 0, -2, 0};

  private static Compiled compiled() throws Exception {
    return Fits.model(Files.readString(MODEL), Map.of()).bind(Table.read(DATA), BindOptions.defaults())
        .compile();
  }

  private static JsonNode flexmix() throws Exception {
    return new ObjectMapper().readTree(Path.of("emc-core/src/test/resources/reference/poisson_regression_flexmix.json").toFile());
  }

  @Test
  void eachIterationIsTheHalvedNewtonStepWrittenOut() throws Exception {
    Reference ref = new Reference(Fits.rows(DATA), new double[] {0.5, 0.5}, FAR);
    int iterations = 30;
    FitResult r = compiled().fit(FitOptions.defaults().withTol(0).withMaxIter(iterations)
        .withStart(Map.of("phi", ref.phi.clone(), "beta", ref.beta.clone())));
    List<Double> expected = ref.run(iterations);
    assertEquals(expected.size(), r.trace().size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), r.trace().get(i), 1e-10 * Math.abs(expected.get(i)), "objective " + i);
    }
    assertEquals(ref.halvings, r.halvings());
    assertClose(ref.phi, r.params().get("phi"), 1e-10, "phi");
    assertClose(ref.beta, r.params().get("beta"), 1e-10, "beta");
  }

  @Test
  void aStepThatOvershootsIsHalvedAndTheFitStillReachesFlexmixs() throws Exception {
    // The full Newton step from FAR lowers the log-likelihood: EM without the halving would fall.
    Reference ref = new Reference(Fits.rows(DATA), new double[] {0.5, 0.5}, FAR);
    double start = ref.eStep();
    ref.mStep();
    assertTrue(ref.eStep() < start, "the full step from the far start does not overshoot: pick another");

    FitResult r = compiled().fit(FitOptions.defaults().withTol(1e-14).withMaxIter(1000)
        .withStart(Map.of("phi", new double[] {0.5, 0.5}, "beta", FAR.clone())));
    assertTrue(r.halvings() > 0, "no step was halved");
    assertTrue(r.converged());
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1), "the log-likelihood fell at iteration " + i);
    }
    assertEquals(flexmix().get("logLik").asDouble(), r.logLikelihood(), 1e-6);
  }

  @Test
  void theFitIsFlexmixs() throws Exception {
    JsonNode flexmix = flexmix();
    FitResult r = compiled().fit(FitOptions.defaults().withTol(1e-14).withMaxIter(1000).withRestarts(5));
    assertEquals(flexmix.get("logLik").asDouble(), r.logLikelihood(), 1e-6);
    // Components in flexmix's order: by the slope in t.
    double[] beta = r.params().get("beta");
    int first = beta[1] < beta[4] ? 0 : 1;
    int[] order = {first, 1 - first};
    double[] phi = new double[2];
    double[] coefficients = new double[6];
    for (int j = 0; j < 2; j++) {
      phi[j] = r.params().get("phi")[order[j]];
      System.arraycopy(beta, 3 * order[j], coefficients, 3 * j, 3);
    }
    // flexmix's glm stops its IRLS at a relative change of the deviance of 1e-8: its coefficients
    // are good to about 1e-7.
    assertClose(ReferenceFitTest.flat(flexmix.get("phi")), phi, 1e-5, "phi");
    assertClose(ReferenceFitTest.flat(flexmix.get("beta")), coefficients, 1e-5, "beta");
    assertEquals(2 * 3 + 1, r.model().freeParameters()); // β 2×3, φ 1
    Fits.assertMonotone(r.trace());
  }

  @Test
  void aSimulationDrawsTheCountsGivenEachRowsCovariates() throws Exception {
    JsonNode flexmix = flexmix();
    double[] phi = ReferenceFitTest.flat(flexmix.get("phi"));
    double[] beta = ReferenceFitTest.flat(flexmix.get("beta"));
    Table data = Table.read(DATA);
    Bound bound = Fits.model(Files.readString(MODEL), Map.of()).bind(data, BindOptions.defaults());
    Simulation s = bound.simulate(Map.of("phi", phi, "beta", beta), data, 7, data.header());
    assertEquals(data.rows(), s.data().rows());
    assertEquals(data.header(), s.data().names());
    // Each row's count has mean m_n = Σ_k φ_k e^{β_kᵀu_n} and variance m_n + Σ_k φ_k (e^{β_kᵀu_n} − m_n)²
    // (the Poisson's variance, and the components' spread); the total is within 4 of its deviations.
    double total = 0;
    double mean = 0;
    double variance = 0;
    for (int n = 0; n < data.rows(); n++) {
      for (int c = 1; c < 4; c++) {
        assertEquals(data.get(n, c), s.data().values()[n * 4 + c], 0, "the covariates are the rows'");
      }
      double[] rate = new double[2];
      double m = 0;
      for (int k = 0; k < 2; k++) {
        rate[k] = Math.exp(beta[3 * k] + beta[3 * k + 1] * data.get(n, 2) + beta[3 * k + 2] * data.get(n, 3));
        m += phi[k] * rate[k];
      }
      double spread = 0;
      for (int k = 0; k < 2; k++) {
        spread += phi[k] * (rate[k] - m) * (rate[k] - m);
      }
      total += s.data().values()[n * 4];
      mean += m;
      variance += m + spread;
    }
    assertEquals(mean, total, 4 * Math.sqrt(variance));
  }

  /**
   * The EM written out, over rows (y, one, t, w): β_k = beta[3k .. 3k + 2]; the coefficients'
   * M-step one Newton step, halved while the log-likelihood is below the last one (beyond 10⁻⁹
   * of it, the driver's rounding), at most 30 times.
   */
  private static final class Reference {
    final double[][] rows;
    final double[] phi;
    final double[] beta;
    final double[][] resp;
    int halvings;

    Reference(double[][] rows, double[] phi, double[] beta) {
      this.rows = rows;
      this.phi = phi.clone();
      this.beta = beta.clone();
      this.resp = new double[rows.length][2];
    }

    private double eta(double[] row, int k) {
      return beta[3 * k] * row[1] + beta[3 * k + 1] * row[2] + beta[3 * k + 2] * row[3];
    }

    /** The responsibilities; returns the log-likelihood. */
    double eStep() {
      double ll = 0;
      for (int n = 0; n < rows.length; n++) {
        double y = rows[n][0];
        double[] log = new double[2];
        for (int k = 0; k < 2; k++) {
          double eta = eta(rows[n], k);
          log[k] = Math.log(phi[k]) + y * eta - Math.exp(eta) - logFactorial(y);
        }
        double max = Math.max(log[0], log[1]);
        double total = Math.exp(log[0] - max) + Math.exp(log[1] - max);
        for (int k = 0; k < 2; k++) {
          resp[n][k] = Math.exp(log[k] - max) / total;
        }
        ll += max + Math.log(total);
      }
      return ll;
    }

    private static double logFactorial(double y) {
      double s = 0;
      for (int i = 2; i <= y; i++) {
        s += Math.log(i);
      }
      return s;
    }

    /** φ_k = N_k / N; β_k ← β_k + (Σ r e^η u uᵀ)⁻¹ Σ r (y − e^η) u, both at the current β_k. */
    void mStep() {
      double[] step = new double[6];
      for (int k = 0; k < 2; k++) {
        double nk = 0;
        double[][] a = new double[3][4];
        for (int n = 0; n < rows.length; n++) {
          double[] row = rows[n];
          double r = resp[n][k];
          double mu = Math.exp(eta(row, k));
          nk += r;
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              a[i][j] += r * mu * row[1 + i] * row[1 + j];
            }
            a[i][3] += r * (row[0] - mu) * row[1 + i];
          }
        }
        double[] d = solve(a);
        System.arraycopy(d, 0, step, 3 * k, 3);
        phi[k] = nk / rows.length;
      }
      for (int i = 0; i < 6; i++) {
        beta[i] += step[i];
      }
    }

    /** Gaussian elimination with partial pivoting on [A | b]. */
    private static double[] solve(double[][] a) {
      int n = a.length;
      for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++) {
          if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
            p = r;
          }
        }
        double[] t = a[c];
        a[c] = a[p];
        a[p] = t;
        for (int r = c + 1; r < n; r++) {
          double f = a[r][c] / a[c][c];
          for (int j = c; j <= n; j++) {
            a[r][j] -= f * a[c][j];
          }
        }
      }
      double[] x = new double[n];
      for (int r = n - 1; r >= 0; r--) {
        double s = a[r][n];
        for (int j = r + 1; j < n; j++) {
          s -= a[r][j] * x[j];
        }
        x[r] = s / a[r][r];
      }
      return x;
    }

    /** {@code iterations} M-steps from the start; the log-likelihood before each and at the end. */
    List<Double> run(int iterations) {
      List<Double> trace = new ArrayList<>();
      double previous = eStep();
      trace.add(previous);
      for (int i = 0; i < iterations; i++) {
        double[] old = beta.clone();
        mStep();
        double[] fresh = beta.clone();
        double ll = eStep();
        for (int h = 1; h <= 30 && !(ll >= previous - 1e-9 * (1 + Math.abs(previous))); h++) {
          for (int j = 0; j < beta.length; j++) {
            beta[j] = old[j] + Math.scalb(1.0, -h) * (fresh[j] - old[j]);
          }
          ll = eStep();
          halvings++;
        }
        trace.add(ll);
        previous = ll;
      }
      return trace;
    }
  }
}
