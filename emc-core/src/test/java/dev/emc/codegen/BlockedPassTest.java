package dev.emc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emc.api.BindOptions;
import dev.emc.api.Fits;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.Linalg;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The full-covariance pass, whose E-step solves a block of rows at a time and whose statistics
 * add a block's scatter at a time (runtime.BlockKernels), against the same EM written unblocked,
 * one row and one component at a time (Cholesky, forward substitution, log-sum-exp, rank-one
 * updates), on random models of every size the kernels treat differently: D below, at and past a
 * vector's width, K from 1 to 30, and a row count that is not a multiple of the block ({@link EStepCode#BLOCK}). The
 * same for diagonal covariances, whose pass puts the rows in vector lanes (forms, exps, moments).
 */
class BlockedPassTest {
  static java.util.stream.Stream<int[]> sizes() {
    java.util.List<int[]> all = new java.util.ArrayList<>();
    for (int d : new int[] {1, 3, 17, 30, 64}) {
      for (int k : new int[] {1, 2, 7, 30}) {
        all.add(new int[] {d, k});
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void theBlockedPassIsTheUnblockedOne(int[] size) throws Exception {
    final int d = size[0];
    final int k = size[1];
    final int n = 2 * EStepCode.BLOCK + 13;
    SplittableRandom rng = new SplittableRandom(31L * d + k);
    double[][] x = rows(n, d, k, rng);
    EmModel m = model("z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", k, x);
    // Random parameters: weights on the simplex, means near the rows, Σ = A Aᵀ / d + I.
    double[] phi = m.param("phi");
    double total = 0;
    for (int c = 0; c < k; c++) {
      phi[c] = 0.2 + rng.nextDouble();
      total += phi[c];
    }
    for (int c = 0; c < k; c++) {
      phi[c] /= total;
    }
    double[] mu = m.param("mu");
    for (int i = 0; i < mu.length; i++) {
      mu[i] = (i / d) % k + 0.5 * rng.nextGaussian();
    }
    double[] sigma = m.param("Sigma");
    for (int c = 0; c < k; c++) {
      double[] a = new double[d * d];
      for (int i = 0; i < a.length; i++) {
        a[i] = rng.nextGaussian();
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double s = i == j ? 1 : 0;
          for (int t = 0; t < d; t++) {
            s += a[i * d + t] * a[j * d + t] / d;
          }
          sigma[c * d * d + i * d + j] = s;
        }
      }
    }
    assertNull(m.prepare());
    double[][] passes = passes(m, x);
    double[] pass = passes[0];
    double[] given = passes[1];

    // The same EM unblocked.
    final int count = EmModel.COUNT;
    final int s1 = count + k;
    final int s2 = s1 + k * d;
    assertEquals(s2 + k * d * d, m.statisticsLength(), "the statistics are N, S1, S2");
    double[] want = new double[m.statisticsLength()];
    double[] chol = new double[k * d * d];
    double[] logConst = new double[k];
    for (int c = 0; c < k; c++) {
      Linalg.cholesky(sigma, c * d * d, d, chol, c * d * d);
      logConst[c] = Math.log(phi[c]) - 0.5 * (d * Math.log(2 * Math.PI) + Linalg.logDetCholesky(chol, c * d * d, d));
    }
    double[] lp = new double[k];
    double[] y = new double[d];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        double quad = 0;
        for (int r = 0; r < d; r++) {
          double s = x[i][r] - mu[c * d + r];
          for (int t = 0; t < r; t++) {
            s -= chol[c * d * d + r * d + t] * y[t];
          }
          y[r] = s / chol[c * d * d + r * d + r];
          quad += y[r] * y[r];
        }
        lp[c] = logConst[c] - 0.5 * quad;
      }
      want[EmModel.LOGLIK] += posterior(lp);
      for (int c = 0; c < k; c++) {
        double r = lp[c];
        want[count + c] += r;
        for (int a = 0; a < d; a++) {
          double va = x[i][a] - mu[c * d + a];
          want[s1 + c * d + a] += r * va;
          for (int b = 0; b <= a; b++) {
            want[s2 + c * d * d + a * d + b] += r * va * (x[i][b] - mu[c * d + b]);
          }
        }
      }
    }
    String what = "D = " + d + ", K = " + k;
    assertEquals(want[EmModel.LOGLIK], pass[EmModel.LOGLIK], 1e-12 * Math.abs(want[EmModel.LOGLIK]),
        "log-likelihood, " + what);
    assertLower(want, pass, count, k, d, s1, s2, "accumulate, " + what);
    assertLower(want, given, count, k, d, s1, s2, "accumulateGiven, " + what);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void theDiagonalPassIsTheUnblockedOne(int[] size) throws Exception {
    final int d = size[0];
    final int k = size[1];
    final int n = 2 * EStepCode.BLOCK + 13;
    SplittableRandom rng = new SplittableRandom(37L * d + k);
    double[][] x = rows(n, d, k, rng);
    EmModel m = model("param Sigma[z] : positive[D]; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", k, x);
    double[] phi = m.param("phi");
    double[] mu = m.param("mu");
    double[] sigma = m.param("Sigma");
    for (int c = 0; c < k; c++) {
      phi[c] = 1.0 / k;
    }
    for (int i = 0; i < mu.length; i++) {
      mu[i] = (i / d) % k + 0.5 * rng.nextGaussian();
      sigma[i] = 0.5 + rng.nextDouble();
    }
    assertNull(m.prepare());
    double[][] passes = passes(m, x);

    final int count = EmModel.COUNT;
    final int s1 = count + k;
    final int s2 = s1 + k * d;
    assertEquals(s2 + k * d, m.statisticsLength(), "the statistics are N, S1, S2");
    double[] want = new double[m.statisticsLength()];
    double[] lp = new double[k];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        lp[c] = Math.log(phi[c]);
        for (int a = 0; a < d; a++) {
          double t = x[i][a] - mu[c * d + a];
          lp[c] -= 0.5 * (Math.log(2 * Math.PI * sigma[c * d + a]) + t * t / sigma[c * d + a]);
        }
      }
      want[EmModel.LOGLIK] += posterior(lp);
      for (int c = 0; c < k; c++) {
        double r = lp[c];
        want[count + c] += r;
        for (int a = 0; a < d; a++) {
          double t = x[i][a] - mu[c * d + a];
          want[s1 + c * d + a] += r * t;
          want[s2 + c * d + a] += r * t * t;
        }
      }
    }
    String what = "diagonal, D = " + d + ", K = " + k;
    assertEquals(want[EmModel.LOGLIK], passes[0][EmModel.LOGLIK], 1e-12 * Math.abs(want[EmModel.LOGLIK]),
        "log-likelihood, " + what);
    for (double[] got : passes) {
      assertClose(want, got, count, s1, 1, 1, what + ": N");
      assertClose(want, got, s1, s2, 1, 1, what + ": S1");
      assertClose(want, got, s2, s2 + k * d, 1, 1, what + ": S2");
    }
  }

  /** n rows of d columns around K centres, (i % k) in every column. */
  private static double[][] rows(int n, int d, int k, SplittableRandom rng) {
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = (i % k) + rng.nextGaussian();
      }
    }
    return x;
  }

  private static EmModel model(String text, int k, double[][] x) throws Exception {
    String[] names = new String[x[0].length];
    for (int j = 0; j < names.length; j++) {
      names[j] = "c" + j;
    }
    return Fits.model(text, Map.of("K", (double) k)).bind(Fits.table(x, names), BindOptions.defaults()).compile()
        .newModel();
  }

  /** The statistics of accumulate, and of accumulateGiven at responsibilities(): the two passes. */
  private static double[][] passes(EmModel m, double[][] x) {
    int n = x.length;
    int d = x[0].length;
    double[] data = new double[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, data, i * d, d);
    }
    double[] pass = new double[m.statisticsLength()];
    m.accumulate(data, 0, n, pass);
    double[] given = new double[m.statisticsLength()];
    double[] resp = new double[n * m.components()];
    m.responsibilities(data, 0, n, resp);
    m.accumulateGiven(data, 0, n, resp, given);
    return new double[][] {pass, given};
  }

  /** Bayes' rule in place: log p(x, z = c) in, r_c out; returns log p(x), by log-sum-exp. */
  private static double posterior(double[] lp) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : lp) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : lp) {
      sum += Math.exp(v - max);
    }
    for (int c = 0; c < lp.length; c++) {
      lp[c] = Math.exp(lp[c] - max) / sum;
    }
    return max + Math.log(sum);
  }

  /** N, S1 and S2's lower triangles equal to 1e-12 of each one's largest entry. */
  private static void assertLower(double[] want, double[] got, int count, int k, int d, int s1, int s2, String what) {
    assertClose(want, got, count, count + k, 1, 1, what + ": N");
    assertClose(want, got, s1, s2, 1, 1, what + ": S1");
    assertClose(want, got, s2, s2 + k * d * d, d, 0, what + ": S2");
  }

  /** Entries [from, to); with lowerOf = d, only those at (i, j ≤ i) of d×d blocks. */
  private static void assertClose(double[] want, double[] got, int from, int to, int lowerOf, int unused,
      String what) {
    double scale = 0;
    for (int i = from; i < to; i++) {
      scale = Math.max(scale, Math.abs(want[i]));
    }
    for (int i = from; i < to; i++) {
      int e = (i - from) % (lowerOf * lowerOf);
      if (lowerOf > 1 && e % lowerOf > e / lowerOf) {
        continue;
      }
      assertEquals(want[i], got[i], 1e-12 * scale, what + " at " + (i - from));
    }
  }
}
