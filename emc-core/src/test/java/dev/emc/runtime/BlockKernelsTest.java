package dev.emc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API kernels against the plain loops of BlockKernels (the same sums in the same order,
 * unfused) and against the definitions: L⁻¹v by substitution one column at a time, and the scatter
 * as a double sum. Sizes below, at and past a vector's width, and column counts that leave a
 * remainder of the vector kernels' 2 × lanes.
 */
class BlockKernelsTest {
  @ParameterizedTest
  @CsvSource({"1, 1", "1, 64", "3, 17", "4, 64", "7, 33", "17, 63", "30, 64", "30, 50", "64, 64", "65, 41"})
  void theSolveIsForwardSubstitution(int d, int n) {
    assertTrue(BlockKernels.VECTOR, "the tests run with --add-modules=jdk.incubator.vector");
    SplittableRandom rng = new SplittableRandom(d * 100L + n);
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        l[i * d + j] = rng.nextGaussian() / Math.sqrt(d);
      }
      l[i * d + i] = 0.5 + rng.nextDouble();
    }
    final int stride = 64;
    double[] v = new double[d * stride];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextGaussian();
    }
    double[] plain = v.clone();
    double[] vector = v.clone();
    double[] qPlain = new double[stride];
    double[] qVector = new double[stride];
    BlockKernels.forwardSquares(l, 0, d, plain, stride, 0, n, qPlain);
    VectorKernels.forwardSquares(l, 0, d, vector, stride, n, qVector);
    double[] y = new double[d];
    for (int b = 0; b < n; b++) {
      double q = 0;
      for (int i = 0; i < d; i++) {
        double s = v[i * stride + b];
        for (int m = 0; m < i; m++) {
          s -= l[i * d + m] * y[m];
        }
        y[i] = s / l[i * d + i];
        q += y[i] * y[i];
        assertEquals(y[i], plain[i * stride + b], 1e-12 * (1 + Math.abs(y[i])), "plain " + i + "," + b);
        assertEquals(y[i], vector[i * stride + b], 1e-12 * (1 + Math.abs(y[i])), "vector " + i + "," + b);
      }
      assertEquals(q, qPlain[b], 1e-12 * q, "plain q " + b);
      assertEquals(q, qVector[b], 1e-12 * q, "vector q " + b);
    }
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "1, 64", "3, 17", "4, 64", "7, 33", "9, 5", "17, 63", "30, 64", "30, 50", "64, 64", "65, 41"})
  void theScatterIsTheDoubleSum(int d, int n) {
    assertTrue(BlockKernels.VECTOR, "the tests run with --add-modules=jdk.incubator.vector");
    SplittableRandom rng = new SplittableRandom(d * 1000L + n);
    final int dp = VectorKernels.padded(d);
    double[] x = new double[n * dp];
    double[] w = new double[n * dp];
    for (int m = 0; m < n; m++) {
      double r = rng.nextDouble();
      for (int j = 0; j < d; j++) {
        x[m * dp + j] = rng.nextGaussian();
        w[m * dp + j] = r * x[m * dp + j];
      }
    }
    double[] start = new double[2 * d * dp];
    for (int i = 0; i < start.length; i++) {
      start[i] = rng.nextGaussian();
    }
    double[] plain = start.clone();
    double[] vector = start.clone();
    // The second of two matrices: the offset as the pass gives it for component 1.
    BlockKernels.scatterLower(x, w, n, d, dp, plain, d * dp, false);
    VectorKernels.scatterLower(x, w, n, d, dp, vector, d * dp);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = start[d * dp + i * dp + j];
        for (int m = 0; m < n; m++) {
          s += w[m * dp + i] * x[m * dp + j];
        }
        assertEquals(s, plain[d * dp + i * dp + j], 1e-12 * (1 + Math.abs(s)), "plain " + i + "," + j);
        assertEquals(s, vector[d * dp + i * dp + j], 1e-12 * (1 + Math.abs(s)), "vector " + i + "," + j);
      }
    }
    for (int i = 0; i < d * dp; i++) {
      assertEquals(start[i], vector[i], 0.0, "the first matrix is not touched");
    }
  }
}
