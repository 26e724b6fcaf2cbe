package dev.emc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API kernels against the plain loops of BlockKernels (the same sums, unfused, in the
 * same order but for the place of a row's diagonal term in the forms) and against the definitions:
 * ‖L⁻¹v‖² by substitution one column at a time, and the scatter as a double sum. Sizes below, at
 * and past a vector's width, and column counts that leave a remainder of the vector kernels' 4 ×
 * lanes.
 */
class BlockKernelsTest {
  @ParameterizedTest
  @CsvSource({"1, 1", "1, 64", "2, 32", "3, 17", "4, 64", "6, 40", "7, 33", "17, 63", "30, 64", "30, 50", "64, 64",
      "65, 41"})
  void theFormIsTheSquaredNormOfTheSolve(int d, int n) {
    assertTrue(BlockKernels.VECTOR, "the tests run with --add-modules=jdk.incubator.vector");
    SplittableRandom rng = new SplittableRandom(d * 100L + n);
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        l[i * d + j] = rng.nextGaussian() / Math.sqrt(d);
      }
      l[i * d + i] = 0.5 + rng.nextDouble();
    }
    // The inverse factor, at an offset as a second component's, and L M = I.
    double[] m = new double[2 * d * d];
    Arrays.fill(m, Double.NaN);
    Linalg.invertLower(l, 0, d, m, d * d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += l[i * d + k] * m[d * d + k * d + j];
        }
        assertEquals(i == j ? 1.0 : 0.0, s, 1e-13, "L L⁻¹ at " + i + "," + j);
      }
    }
    final int stride = 64;
    double[] v = new double[d * stride];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextGaussian();
    }
    double[] q0 = new double[stride];
    for (int b = 0; b < n; b++) {
      q0[b] = rng.nextDouble();
    }
    // The centre, at an offset as a second component's.
    double[] c = new double[2 * d];
    for (int i = 0; i < c.length; i++) {
      c[i] = rng.nextGaussian();
    }
    double[] given = v.clone();
    double[] qPlain = q0.clone();
    double[] qVector = q0.clone();
    BlockKernels.inverseSquares(m, d * d, d, v, c, d, stride, n, qPlain, nans(d * stride), false);
    BlockKernels.inverseSquares(m, d * d, d, v, c, d, stride, n, qVector, nans(d * stride), true);
    assertArrayEquals(given, v, "v is left as it was");
    // Without a centre, v − c given, the plain loops in place.
    double[] centred = v.clone();
    for (int i = 0; i < d; i++) {
      for (int b = 0; b < stride; b++) {
        centred[i * stride + b] -= c[d + i];
      }
    }
    double[] qPlainInPlace = q0.clone();
    double[] qVectorInPlace = q0.clone();
    double[] own = centred.clone();
    BlockKernels.inverseSquares(m, d * d, d, own, null, 0, stride, n, qPlainInPlace, own, false);
    own = centred.clone();
    BlockKernels.inverseSquares(m, d * d, d, own, null, 0, stride, n, qVectorInPlace, own, true);
    // The reference: forward substitution against L itself, row by row.
    double[] y = new double[d];
    for (int b = 0; b < n; b++) {
      double q = q0[b];
      for (int i = 0; i < d; i++) {
        double s = v[i * stride + b] - c[d + i];
        for (int k = 0; k < i; k++) {
          s -= l[i * d + k] * y[k];
        }
        y[i] = s / l[i * d + i];
        q += y[i] * y[i];
      }
      assertEquals(q, qPlain[b], 1e-12 * q, "plain q " + b);
      assertEquals(q, qVector[b], 1e-12 * q, "vector q " + b);
      assertEquals(q, qPlainInPlace[b], 1e-12 * q, "plain q in place " + b);
      assertEquals(q, qVectorInPlace[b], 1e-12 * q, "vector q, no centre " + b);
    }
    for (int b = n; b < stride; b++) {
      assertEquals(q0[b], qPlain[b], "plain: column " + b + " is past n");
      assertEquals(q0[b], qVector[b], "vector: column " + b + " is past n");
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

  @ParameterizedTest
  @CsvSource({"1, 1", "1, 64", "2, 7", "2, 41", "2, 64", "3, 17", "5, 64", "7, 33", "30, 63", "30, 64", "700, 2000"})
  void theResponsibilitiesAreTheLogSumExp(int k, int n) {
    // The last: products of the sums of 250 rows per lane, up to 700^250, past a double's range.
    final int stride = Math.max(64, n);
    SplittableRandom rng = new SplittableRandom(k * 100L + n);
    double[] lp = new double[(k + 3) * stride];
    for (int j = 0; j < k; j++) {
      for (int b = 0; b < n; b++) {
        // Spread wide, so that some exps underflow to 0, and one row that no component explains.
        lp[j * stride + b] = b == n / 2 && n > 8 && n < 1000 ? Double.NEGATIVE_INFINITY
            : k > 100 ? -rng.nextDouble() : -800 * rng.nextDouble() - 5;
      }
    }
    double[] plain = lp.clone();
    double[] vector = lp.clone();
    double llPlain = BlockKernels.responsibilities(plain, stride, k, n, false);
    double llVector = BlockKernels.responsibilities(vector, stride, k, n, true);
    double ll = 0;
    for (int b = 0; b < n; b++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, lp[j * stride + b]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(lp[j * stride + b] - max);
      }
      ll += max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum);
      for (int j = 0; j < k; j++) {
        double r = max == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(lp[j * stride + b] - max) / sum;
        assertEquals(r, plain[j * stride + b], 1e-15, "plain r " + b + "," + j);
        assertEquals(r, vector[j * stride + b], 1e-15, "vector r " + b + "," + j);
      }
    }
    assertEquals(ll, llPlain, 1e-12 * Math.abs(ll));
    assertEquals(ll, llVector, 1e-12 * Math.abs(ll));
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "1, 64", "3, 17", "6, 64", "10, 64", "10, 37", "17, 63", "30, 64", "31, 57", "64, 9", "64, 64"})
  void theDiagonalFormAndTheMomentsAreTheirSums(int d, int n) {
    final int stride = 64;
    final int lanes = VectorKernels.L;
    SplittableRandom rng = new SplittableRandom(d * 10_000L + n);
    double[] v = new double[d * stride];
    for (int i = 0; i < v.length; i++) {
      v[i] = 3 + rng.nextGaussian();
    }
    // The second component's centre and reciprocals, as the pass passes them (base = d).
    double[] shift = new double[2 * d];
    double[] inv = new double[2 * d];
    for (int i = 0; i < 2 * d; i++) {
      shift[i] = rng.nextGaussian();
      inv[i] = 0.5 + rng.nextDouble();
    }
    double[] r = new double[stride + 3];
    for (int b = 0; b < r.length; b++) {
      r[b] = rng.nextDouble();
    }
    double[] q0 = new double[stride];
    for (int b = 0; b < n; b++) {
      q0[b] = rng.nextDouble();
    }
    for (boolean vector : new boolean[] {false, true}) {
      int m = vector ? lanes : 1;
      double[] q = q0.clone();
      BlockKernels.diagonalSquares(v, stride, n, d, shift, d, inv, d, q, vector);
      double[] first = new double[(d + 1) * m];
      double[] second = new double[(d + 1) * m];
      double[] count = new double[2 * m];
      BlockKernels.moments(v, stride, n, d, shift, d, r, 3, first, 1, second, 1, vector);
      BlockKernels.sums(r, 3, n, count, 1, vector);
      double[] firstOnly = new double[(d + 1) * m];
      BlockKernels.moments(v, stride, n, d, null, 0, r, 3, firstOnly, 1, null, 0, vector);
      for (int b = 0; b < n; b++) {
        double s = q0[b];
        for (int i = 0; i < d; i++) {
          double t = v[i * stride + b] - shift[d + i];
          s += t * t * inv[d + i];
        }
        assertEquals(s, q[b], 1e-12 * s, "q " + b + (vector ? " vector" : " plain"));
      }
      for (int i = 0; i < d; i++) {
        double s1 = 0;
        double s2 = 0;
        double raw = 0;
        for (int b = 0; b < n; b++) {
          double t = v[i * stride + b] - shift[d + i];
          s1 += r[3 + b] * t;
          s2 += r[3 + b] * t * t;
          raw += r[3 + b] * v[i * stride + b];
        }
        assertEquals(s1, lanes(first, 1 + i, m), 1e-12 * (1 + Math.abs(s1)));
        assertEquals(s2, lanes(second, 1 + i, m), 1e-12 * s2);
        assertEquals(raw, lanes(firstOnly, 1 + i, m), 1e-12 * Math.abs(raw));
        assertEquals(0.0, lanes(first, 0, m), "element 0 is not touched");
      }
      double total = 0;
      for (int b = 0; b < n; b++) {
        total += r[3 + b];
      }
      assertEquals(total, lanes(count, 1, m), 1e-12 * total);
      // The lower triangle of Σ r (v − c)(v − c)ᵀ, as the second of two components' (off = triangle).
      int triangle = d * (d + 1) / 2;
      double[] products = new double[2 * triangle * m];
      double[] scratch = new double[(d + 1) * stride];
      Arrays.fill(scratch, Double.NaN); // what the kernel reads it writes first
      double[] withFirst = new double[(d + 1) * m];
      BlockKernels.products(v, stride, n, d, shift, d, r, 3, withFirst, 1, products, triangle, scratch, vector);
      double[] alone = new double[2 * triangle * m];
      BlockKernels.products(v, stride, n, d, shift, d, r, 3, null, 0, alone, triangle, scratch, vector);
      assertArrayEquals(products, alone, "the products do not depend on whether the first moment is asked for");
      // About no centre: Σ r v vᵀ and Σ r v.
      double[] uncentred = new double[2 * triangle * m];
      double[] uncentredFirst = new double[(d + 1) * m];
      BlockKernels.products(v, stride, n, d, null, 0, r, 3, uncentredFirst, 1, uncentred, triangle, scratch, vector);
      for (int i = 0; i < d; i++) {
        double s1 = lanes(first, 1 + i, m); // as moments added it, checked above
        assertEquals(s1, lanes(withFirst, 1 + i, m), 1e-14 * (1 + Math.abs(s1)), "products' first moment " + i);
        double raw = lanes(firstOnly, 1 + i, m);
        assertEquals(raw, lanes(uncentredFirst, 1 + i, m), 1e-14 * Math.abs(raw), "Σ r v " + i);
      }
      assertEquals(0.0, lanes(withFirst, 0, m), "element 0 is not touched");
      double[] stats = new double[1 + 2 * d * d];
      if (vector == BlockKernels.VECTOR) {
        BlockKernels.addLowerLanes(products, 2, d, stats, 1);
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          double s = 0;
          for (int b = 0; b < n; b++) {
            s += r[3 + b] * (v[i * stride + b] - shift[d + i]) * (v[j * stride + b] - shift[d + j]);
          }
          double got = lanes(products, triangle + i * (i + 1) / 2 + j, m);
          assertEquals(s, got, 1e-12 * (1 + Math.abs(s)), "product " + i + "," + j);
          double raw = 0;
          for (int b = 0; b < n; b++) {
            raw += r[3 + b] * v[i * stride + b] * v[j * stride + b];
          }
          assertEquals(raw, lanes(uncentred, triangle + i * (i + 1) / 2 + j, m), 1e-12 * (1 + Math.abs(raw)),
              "uncentred product " + i + "," + j);
          if (vector == BlockKernels.VECTOR) {
            assertEquals(got, stats[1 + d * d + i * d + j], 1e-15 * (1 + Math.abs(s)), "added " + i + "," + j);
            assertEquals(0.0, stats[1 + i * d + j], "the first component's is not touched");
          }
        }
      }
    }
  }

  /** A scratch array the kernel must write before it reads. */
  private static double[] nans(int length) {
    double[] a = new double[length];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  /** The m partial sums of element e, added up. */
  private static double lanes(double[] partial, int e, int m) {
    double s = 0;
    for (int l = 0; l < m; l++) {
      s += partial[e * m + l];
    }
    return s;
  }
}
