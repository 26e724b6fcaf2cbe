package dev.emc.runtime;

/**
 * The two dense steps of a Gaussian pass with full covariances, a block of rows at a time: the
 * triangular solve of the block against a component's Cholesky factor with the rows' squared norms
 * (as BLAS's TRSM), and the weighted scatter S += Xᵀ diag(r) X of the block's centered rows into
 * a lower triangle (as SYRK). With the Vector API ({@code --add-modules jdk.incubator.vector}, which
 * bin/emc and emc-spark give) they run as {@link VectorKernels}, tiles of rows and columns whose
 * partial sums stay in vector registers; without it, as the plain loops below, slower and equal to
 * rounding (the vector kernels fuse multiply and add). Both add each row's terms in row order, so
 * a pass's result does not depend on how its rows are split between threads.
 */
public final class BlockKernels {
  private BlockKernels() {}

  /** Whether the JVM was started with the Vector API; system property emc.vector=false turns it off. */
  static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !"false".equals(System.getProperty("emc.vector"));

  /**
   * The row length of the scatter's buffers for vectors of length d: d rounded up to whole vector
   * registers, so that the kernels read no partial vector.
   */
  public static int padded(int d) {
    return VECTOR ? VectorKernels.padded(d) : d;
  }

  /**
   * Forward substitution for a block of right-hand sides at once: v := L⁻¹ v, where column b of v
   * is {@code v[b], v[stride + b], …, v[(d − 1) * stride + b]} and L is the lower factor at
   * {@code l[base…]} (row-major, d×d); adds each column's squared norm ‖L⁻¹ v_b‖² to {@code q[b]},
   * for b &lt; n.
   */
  public static void forwardSquares(double[] l, int base, int d, double[] v, int stride, int n, double[] q) {
    if (VECTOR) {
      VectorKernels.forwardSquares(l, base, d, v, stride, n, q);
    } else {
      forwardSquares(l, base, d, v, stride, 0, n, q);
    }
  }

  /**
   * Columns [from, n) of {@link #forwardSquares(double[], int, int, double[], int, int, double[])}:
   * loops over the columns, long and independent, which the JIT vectorizes as it can.
   */
  static void forwardSquares(double[] l, int base, int d, double[] v, int stride, int from, int n, double[] q) {
    for (int i = 0; i < d; i++) {
      final double inv = 1.0 / l[base + i * d + i];
      final int vi = i * stride;
      for (int b = from; b < n; b++) {
        final double t = v[vi + b] * inv;
        v[vi + b] = t;
        q[b] += t * t;
      }
      for (int j = i + 1; j < d; j++) {
        final double lji = l[base + j * d + i];
        final int vj = j * stride;
        for (int b = from; b < n; b++) {
          v[vj + b] -= lji * v[vi + b];
        }
      }
    }
  }

  /**
   * S += Σ_m w_m x_mᵀ over rows m &lt; n, lower triangle: {@code s[sOff + i * dp + j] += Σ_m
   * w[m * dp + i] · x[m * dp + j]} for j ≤ i &lt; d. For S += Xᵀ diag(r) X, w_m = r_m x_m. Rows of
   * x and w are dp = {@link #padded}(d) long, their padding finite; entries of s above the diagonal
   * within a row's first dp may be written and are not to be read.
   */
  public static void scatterLower(double[] x, double[] w, int n, int d, int dp, double[] s, int sOff) {
    scatterLower(x, w, n, d, dp, s, sOff, VECTOR);
  }

  /** {@link #scatterLower(double[], double[], int, int, int, double[], int)}, the plain loops unless vector. */
  static void scatterLower(double[] x, double[] w, int n, int d, int dp, double[] s, int sOff, boolean vector) {
    if (vector) {
      VectorKernels.scatterLower(x, w, n, d, dp, s, sOff);
      return;
    }
    for (int m = 0; m < n; m++) {
      final int r = m * dp;
      for (int i = 0; i < d; i++) {
        final double a = w[r + i];
        final int si = sOff + i * dp;
        for (int j = 0; j <= i; j++) {
          s[si + j] += a * x[r + j];
        }
      }
    }
  }

  /**
   * Adds the lower triangles of k matrices of order d, held with rows dp long ({@code s[(c * d + i)
   * * dp + j]}, j ≤ i) as {@link #scatterLower} leaves them, into {@code stats} from {@code offset}
   * on, row-major d×d.
   */
  public static void addLower(double[] s, int k, int d, int dp, double[] stats, int offset) {
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        final int row = (c * d + i) * dp;
        for (int j = 0; j <= i; j++) {
          stats[offset + c * d * d + i * d + j] += s[row + j];
        }
      }
    }
  }
}
