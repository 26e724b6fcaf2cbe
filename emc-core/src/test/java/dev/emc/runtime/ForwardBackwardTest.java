package dev.emc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The forward–backward recursions and the Viterbi path against brute force: every one of the K^T
 * paths of a short sequence enumerated, its probability π_{z1} b_1(z1) Π_t A_{z(t−1) z(t)} b_t(z_t)
 * computed directly, and the marginals summed from them.
 */
class ForwardBackwardTest {
  private static final int K = 3;
  private static final int T = 7;

  @Test
  void posteriorsAndLikelihoodEqualTheSumOverAllPaths() {
    SplittableRandom rng = new SplittableRandom(5);
    double[] pi = simplex(rng, K);
    double[] a = new double[K * K];
    for (int j = 0; j < K; j++) {
      System.arraycopy(simplex(rng, K), 0, a, j * K, K);
    }
    double[] logB = new double[T * K];
    for (int i = 0; i < logB.length; i++) {
      logB[i] = -700 + 20 * rng.nextDouble(); // densities far below Double.MIN_NORMAL: scaling must cope
    }
    double total = 0;
    double[] gamma = new double[T * K];
    double[] xi = new double[K * K];
    double[] best = {Double.NEGATIVE_INFINITY};
    int[] bestPath = new int[T];
    int[] path = new int[T];
    for (int code = 0; code < Math.pow(K, T); code++) {
      int c = code;
      for (int t = 0; t < T; t++) {
        path[t] = c % K;
        c /= K;
      }
      // Relative to e^(−700 T), so the brute force does not underflow either.
      double logP = Math.log(pi[path[0]]) + logB[path[0]] + 700;
      for (int t = 1; t < T; t++) {
        logP += Math.log(a[path[t - 1] * K + path[t]]) + logB[t * K + path[t]] + 700;
      }
      double p = Math.exp(logP);
      total += p;
      for (int t = 0; t < T; t++) {
        gamma[t * K + path[t]] += p;
        if (t > 0) {
          xi[path[t - 1] * K + path[t]] += p;
        }
      }
      if (logP > best[0]) {
        best[0] = logP;
        bestPath = path.clone();
      }
    }
    for (int i = 0; i < gamma.length; i++) {
      gamma[i] /= total;
    }
    for (int i = 0; i < xi.length; i++) {
      xi[i] /= total;
    }
    double[] g = new double[T * K];
    double[] x = new double[K * K];
    double ll = ForwardBackward.run(logB, T, K, pi, a, g, x);
    assertEquals(Math.log(total) - 700.0 * T, ll, 1e-9 * Math.abs(ll));
    assertArrayEquals(gamma, g, 1e-12);
    assertArrayEquals(xi, x, 1e-12);
    assertArrayEquals(bestPath, ForwardBackward.viterbi(logB, T, K, pi, a));
  }

  @Test
  void aSequenceNoPathCanProduceHasProbabilityZero() {
    double[] pi = {1, 0};
    double[] a = {1, 0, 0, 1}; // state 1 forever
    double[] logB = {0, 0, Double.NEGATIVE_INFINITY, 0}; // row 2 cannot come from state 1
    assertEquals(Double.NEGATIVE_INFINITY, ForwardBackward.run(logB, 2, 2, pi, a, new double[4], new double[4]));
  }

  private static double[] simplex(SplittableRandom rng, int k) {
    double[] p = new double[k];
    double s = 0;
    for (int i = 0; i < k; i++) {
      p[i] = 0.1 + rng.nextDouble();
      s += p[i];
    }
    for (int i = 0; i < k; i++) {
      p[i] /= s;
    }
    return p;
  }
}
