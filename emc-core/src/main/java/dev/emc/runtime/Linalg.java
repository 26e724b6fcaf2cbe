package dev.emc.runtime;

/**
 * The dense linear algebra generated code calls once per component per iteration (never per
 * row): Cholesky factors and what they give. Matrices are row-major D×D blocks of a flat array
 * at an offset, as generated code stores them.
 */
public final class Linalg {
  private Linalg() {}

  /**
   * The lower-triangular L with A = L Lᵀ, written to {@code l} (its upper triangle zeroed).
   * Returns false, leaving {@code l} partly written, if A is not numerically positive definite.
   */
  public static boolean cholesky(double[] a, int aOff, int d, double[] l, int lOff) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[aOff + i * d + j];
        for (int m = 0; m < j; m++) {
          s -= l[lOff + i * d + m] * l[lOff + j * d + m];
        }
        if (i == j) {
          // A pivot must be positive and not lost to rounding against the diagonal it came from.
          if (!(s > 1e-14 * Math.abs(a[aOff + i * d + i])) || !(s > 0)) {
            return false;
          }
          l[lOff + i * d + i] = Math.sqrt(s);
        } else {
          l[lOff + i * d + j] = s / l[lOff + j * d + j];
        }
      }
      for (int j = i + 1; j < d; j++) {
        l[lOff + i * d + j] = 0.0;
      }
    }
    return true;
  }

  /**
   * The inverse of a lower-triangular L (nonzero diagonal), itself lower-triangular, written to
   * {@code out} with its upper triangle zeroed: column c of L⁻¹ by forward substitution on e_c.
   */
  public static void invertLower(double[] l, int off, int d, double[] out, int outOff) {
    for (int c = 0; c < d; c++) {
      for (int i = 0; i < c; i++) {
        out[outOff + i * d + c] = 0.0;
      }
      inverseColumn(l, off, d, c, out, outOff + c, d);
    }
  }

  /**
   * Rows c … d − 1 of column c of L⁻¹ (its rows above c are zeros), by forward substitution on
   * e_c: row i at {@code out[at + i * step]}.
   */
  private static void inverseColumn(double[] l, int off, int d, int c, double[] out, int at, int step) {
    for (int i = c; i < d; i++) {
      double s = i == c ? 1.0 : 0.0;
      for (int j = c; j < i; j++) {
        s -= l[off + i * d + j] * out[at + j * step];
      }
      out[at + i * step] = s / l[off + i * d + i];
    }
  }

  /** log|A| = 2 Σ_i log L_ii from A's Cholesky factor. */
  public static double logDetCholesky(double[] l, int off, int d) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += Math.log(l[off + i * d + i]);
    }
    return 2 * s;
  }

  /**
   * tr(diag(w) A⁻¹) = Σ_i w_i (A⁻¹)_ii from A's Cholesky factor: (A⁻¹)_ii = ‖L⁻¹ e_i‖², the
   * squared norm of column i of L⁻¹.
   */
  public static double traceDiagInverse(double[] l, int off, int d, double[] w, int wOff) {
    double[] col = new double[d];
    double trace = 0;
    for (int i = 0; i < d; i++) {
      if (w[wOff + i] == 0) {
        continue;
      }
      inverseColumn(l, off, d, i, col, 0, 1); // y_j = 0 for j < i
      double norm = 0;
      for (int r = i; r < d; r++) {
        norm += col[r] * col[r];
      }
      trace += w[wOff + i] * norm;
    }
    return trace;
  }

  /**
   * Solves A y = b for a symmetric positive-definite A (row-major, d×d) by its Cholesky factor:
   * the solution replaces b. Returns false, leaving b unchanged, if A is not positive definite.
   */
  public static boolean solve(double[] a, double[] b, int d) {
    double[] l = new double[d * d];
    if (!cholesky(a, 0, d, l, 0)) {
      return false;
    }
    solveCholesky(l, b, d);
    return true;
  }

  /** Solves L Lᵀ y = b given the lower Cholesky factor L (row-major, d×d): the solution replaces b. */
  public static void solveCholesky(double[] l, double[] b, int d) {
    double[] y = new double[d];
    for (int i = 0; i < d; i++) {
      double s = b[i];
      for (int j = 0; j < i; j++) {
        s -= l[i * d + j] * y[j];
      }
      y[i] = s / l[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
      double s = y[i];
      for (int j = i + 1; j < d; j++) {
        s -= l[j * d + i] * b[j];
      }
      b[i] = s / l[i * d + i];
    }
  }

  /**
   * A⁻¹ of the symmetric positive-definite d×d block of {@code a} at {@code off}, row-major, from
   * its Cholesky factor; null when it is not positive definite.
   */
  public static double[] inverse(double[] a, int off, int d) {
    double[] l = new double[d * d];
    if (!cholesky(a, off, d, l, 0)) {
      return null;
    }
    double[] inv = new double[d * d];
    double[] e = new double[d];
    for (int j = 0; j < d; j++) {
      java.util.Arrays.fill(e, 0.0);
      e[j] = 1;
      solveCholesky(l, e, d);
      for (int i = 0; i < d; i++) {
        inv[i * d + j] = e[i];
      }
    }
    return inv;
  }

  /** tr(A⁻¹) from A's Cholesky factor. */
  public static double traceInverse(double[] l, int off, int d) {
    double[] ones = new double[d];
    java.util.Arrays.fill(ones, 1.0);
    return traceDiagInverse(l, off, d, ones, 0);
  }

  /** A matrix block copied to a new row-major array, for messages and tests. */
  public static double[][] block(double[] a, int off, int d) {
    double[][] m = new double[d][d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(a, off + i * d, m[i], 0, d);
    }
    return m;
  }
}
