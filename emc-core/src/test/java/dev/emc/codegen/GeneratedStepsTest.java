package dev.emc.codegen;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.BindOptions;
import dev.emc.api.Compiled;
import dev.emc.api.Fits;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The generated E-step and M-step against computations written out here by hand, on small random
 * data: Bayes' rule with Commons Math's normal densities, and the weighted maximum-likelihood
 * estimates as two-pass sums.
 */
class GeneratedStepsTest {
  private static final int N = 40;
  private static final int K = 3;
  private static final int D = 3;

  private static double[][] data(SplittableRandom rng, int n, int d) {
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = 10 * j + rng.nextGaussian() * (1 + j) + (i % 3) * 2.0;
      }
    }
    return x;
  }

  private static Table table(double[][] x) {
    String[] names = new String[x[0].length];
    for (int j = 0; j < names.length; j++) {
      names[j] = "c" + j;
    }
    return Fits.table(x, names);
  }

  private static Compiled compile(String text, double[][] x, Map<String, Double> settings) throws Exception {
    return Fits.model(text, settings).bind(table(x), BindOptions.defaults()).compile();
  }

  /** A random symmetric positive-definite matrix, A Aᵀ + I. */
  private static double[][] spd(SplittableRandom rng, int d) {
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        a[i][j] = rng.nextGaussian();
      }
    }
    double[][] s = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int m = 0; m < d; m++) {
          s[i][j] += a[i][m] * a[j][m];
        }
        s[i][j] += i == j ? 1 : 0;
      }
    }
    return s;
  }

  @Test
  void responsibilitiesAreBayesRule() throws Exception {
    SplittableRandom rng = new SplittableRandom(7);
    double[][] x = data(rng, N, D);
    EmModel m = compile("K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", x, Map.of()).newModel();
    double[] phi = {0.2, 0.3, 0.5};
    double[][] mu = new double[K][D];
    double[][][] sigma = new double[K][][];
    for (int k = 0; k < K; k++) {
      for (int j = 0; j < D; j++) {
        mu[k][j] = x[rng.nextInt(N)][j];
      }
      sigma[k] = spd(rng, D);
    }
    set(m, phi, mu, sigma);
    assertNull(m.prepare());
    double[] flat = flatten(x);
    double[] r = new double[N * K];
    double ll = m.responsibilities(flat, 0, N, r);
    double expectedLl = 0;
    for (int n = 0; n < N; n++) {
      double[] joint = new double[K];
      double total = 0;
      for (int k = 0; k < K; k++) {
        joint[k] = phi[k] * new MultivariateNormalDistribution(mu[k], sigma[k]).density(x[n]);
        total += joint[k];
      }
      expectedLl += Math.log(total);
      for (int k = 0; k < K; k++) {
        assertEquals(joint[k] / total, r[n * K + k], 1e-12, "r[" + n + "," + k + "]");
      }
    }
    assertEquals(expectedLl, ll, 1e-9 * Math.abs(expectedLl));
  }

  @Test
  void theMStepIsTheWeightedMaximumLikelihoodEstimate() throws Exception {
    SplittableRandom rng = new SplittableRandom(11);
    double[][] x = data(rng, N, D);
    EmModel m = compile("K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", x, Map.of()).newModel();
    // Current means far from the data. The one-pass statistics are centred on them, so the first
    // M-step places the means and the second, centred there, gets the spreads exactly: what the
    // fit's start does.
    java.util.Arrays.fill(m.param("mu"), 1e4);
    double[] r = randomResponsibilities(rng, N, K);
    for (int round = 0; round < 2; round++) {
      double[] stats = new double[m.statisticsLength()];
      m.accumulateGiven(flatten(x), 0, N, r, stats);
      m.maximize(stats);
    }
    for (int k = 0; k < K; k++) {
      double nk = 0;
      double[] mean = new double[D];
      for (int n = 0; n < N; n++) {
        nk += r[n * K + k];
        for (int i = 0; i < D; i++) {
          mean[i] += r[n * K + k] * x[n][i];
        }
      }
      for (int i = 0; i < D; i++) {
        mean[i] /= nk;
      }
      double[] cov = new double[D * D];
      for (int n = 0; n < N; n++) {
        for (int i = 0; i < D; i++) {
          for (int j = 0; j < D; j++) {
            cov[i * D + j] += r[n * K + k] * (x[n][i] - mean[i]) * (x[n][j] - mean[j]) / nk;
          }
        }
      }
      assertEquals(nk / N, m.param("phi")[k], 1e-14);
      assertClose(mean, java.util.Arrays.copyOfRange(m.param("mu"), k * D, (k + 1) * D), 1e-12, "mu " + k);
      assertClose(cov, java.util.Arrays.copyOfRange(m.param("Sigma"), k * D * D, (k + 1) * D * D), 1e-10, "Sigma " + k);
    }
  }

  @Test
  void aTiedCovariancePoolsTheScatterAboutEachMean() throws Exception {
    SplittableRandom rng = new SplittableRandom(13);
    double[][] x = data(rng, N, D);
    EmModel m = compile("K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma);", x, Map.of()).newModel();
    double[] r = randomResponsibilities(rng, N, K);
    double[] stats = new double[m.statisticsLength()];
    m.accumulateGiven(flatten(x), 0, N, r, stats);
    m.maximize(stats);
    double[] cov = new double[D * D];
    for (int k = 0; k < K; k++) {
      double nk = 0;
      double[] mean = new double[D];
      for (int n = 0; n < N; n++) {
        nk += r[n * K + k];
        for (int i = 0; i < D; i++) {
          mean[i] += r[n * K + k] * x[n][i];
        }
      }
      for (int i = 0; i < D; i++) {
        mean[i] /= nk;
      }
      for (int n = 0; n < N; n++) {
        for (int i = 0; i < D; i++) {
          for (int j = 0; j < D; j++) {
            cov[i * D + j] += r[n * K + k] * (x[n][i] - mean[i]) * (x[n][j] - mean[j]) / N;
          }
        }
      }
    }
    assertClose(cov, m.param("Sigma"), 1e-10, "Sigma");
  }

  @Test
  void theUnivariateStepsAndTheRegularization() throws Exception {
    SplittableRandom rng = new SplittableRandom(17);
    double[][] x = data(rng, N, 1);
    EmModel m = Fits.model("K = 3; data y : real; z ~ Categorical(phi); y ~ Normal(mu[z], s2[z]);", Map.of())
        .bind(Fits.table(x, "y"), BindOptions.defaults()).compile().newModel();
    double psi = 0.25;
    m.setting("Psi_y")[0] = psi;
    double[] r = randomResponsibilities(rng, N, K);
    double[] stats = new double[m.statisticsLength()];
    m.accumulateGiven(flatten(x), 0, N, r, stats);
    m.maximize(stats);
    for (int k = 0; k < K; k++) {
      double nk = 0;
      double sum = 0;
      for (int n = 0; n < N; n++) {
        nk += r[n * K + k];
        sum += r[n * K + k] * x[n][0];
      }
      double mean = sum / nk;
      double ss = 0;
      for (int n = 0; n < N; n++) {
        ss += r[n * K + k] * (x[n][0] - mean) * (x[n][0] - mean);
      }
      assertEquals(mean, m.param("mu")[k], 1e-12 * Math.abs(mean));
      // The regularized update: (scatter + ψ) / N_k, the mode of the penalized Q.
      assertEquals((ss + psi) / nk, m.param("s2")[k], 1e-12 * (ss + psi) / nk);
    }
    assertNull(m.prepare());
    double[] resp = new double[N * K];
    double ll = m.responsibilities(flatten(x), 0, N, resp);
    double expected = 0;
    for (int n = 0; n < N; n++) {
      double total = 0;
      for (int k = 0; k < K; k++) {
        total += m.param("phi")[k]
            * new NormalDistribution(m.param("mu")[k], Math.sqrt(m.param("s2")[k])).density(x[n][0]);
      }
      expected += Math.log(total);
    }
    assertEquals(expected, ll, 1e-10 * Math.abs(expected));
    // The penalty the objective adds: −½ Σ_k ψ / σ²_k.
    double penalty = 0;
    for (int k = 0; k < K; k++) {
      penalty += -0.5 * psi / m.param("s2")[k];
    }
    assertEquals(penalty, m.logPenalty(), 1e-12 * Math.abs(penalty));
  }

  @Test
  void theObjectiveNeverDecreases() throws Exception {
    SplittableRandom rng = new SplittableRandom(19);
    double[][] x = data(rng, 500, 2);
    for (String model : new String[] {
        "K = 4; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);",
        "K = 4; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma);"}) {
      for (double reg : new double[] {0, 1e-3}) {
        FitResult r = compile(model, x, Map.of()).fit(FitOptions.defaults().withTol(0).withMaxIter(200)
            .withReg(reg).withInit(FitOptions.Init.RANDOM).withSeed(3));
        for (int t = 1; t < r.trace().size(); t++) {
          double before = r.trace().get(t - 1);
          double after = r.trace().get(t);
          assertTrue(after >= before - 1e-9 * Math.abs(before), model + " reg " + reg + ": iteration "
              + t + " went from " + before + " to " + after);
        }
        assertEquals(201, r.trace().size());
      }
    }
  }

  static double[] randomResponsibilities(SplittableRandom rng, int n, int k) {
    double[] r = new double[n * k];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        r[i * k + j] = rng.nextDouble() + 0.05;
        s += r[i * k + j];
      }
      for (int j = 0; j < k; j++) {
        r[i * k + j] /= s;
      }
    }
    return r;
  }

  private static void set(EmModel m, double[] phi, double[][] mu, double[][][] sigma) {
    System.arraycopy(phi, 0, m.param("phi"), 0, phi.length);
    for (int k = 0; k < mu.length; k++) {
      System.arraycopy(mu[k], 0, m.param("mu"), k * D, D);
      for (int i = 0; i < D; i++) {
        System.arraycopy(sigma[k][i], 0, m.param("Sigma"), k * D * D + i * D, D);
      }
    }
  }

  static double[] flatten(double[][] x) {
    double[] f = new double[x.length * x[0].length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, f, i * x[0].length, x[0].length);
    }
    return f;
  }
}
