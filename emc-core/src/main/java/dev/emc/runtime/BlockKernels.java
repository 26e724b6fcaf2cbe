package dev.emc.runtime;

/**
 * The two dense steps of a Gaussian pass with full covariances, a block of rows at a time: the
 * product of the block with a component's inverse Cholesky factor and the rows' squared norms (as
 * BLAS's TRMM), and the weighted scatter S += Xᵀ diag(r) X of the block's centered rows into
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
   * The squared norms ‖M (v_b − c)‖² of a block of columns at once, added to {@code q[b]} for b &lt; n,
   * where column b of v is {@code v[b], v[stride + b], …, v[(d − 1) * stride + b]}, c_i =
   * {@code shift[shiftBase + i]} (0 when shift is null) and M, lower triangular, is at
   * {@code m[base…]} (row-major, d×d). With M = L⁻¹ for Σ = L Lᵀ that is (v − c)ᵀΣ⁻¹(v − c): a
   * product, where forward substitution against L would be a chain of dependent steps per column
   * (scikit-learn, too, keeps the inverse factor and multiplies). M's upper triangle must be zeros:
   * the vector kernel adds its square tiles on the diagonal whole. The vector kernel subtracts c as it
   * reads v, which it leaves as it is; the plain loops work in {@code scratch} (d·stride long, and
   * may be v itself when shift is null).
   */
  public static void inverseSquares(double[] m, int base, int d, double[] v, double[] shift, int shiftBase,
      int stride, int n, double[] q, double[] scratch) {
    inverseSquares(m, base, d, v, shift, shiftBase, stride, n, q, scratch, VECTOR);
  }

  static void inverseSquares(double[] m, int base, int d, double[] v, double[] shift, int shiftBase, int stride,
      int n, double[] q, double[] scratch, boolean vector) {
    final int from = vector ? VectorKernels.inverseSquares(m, base, d, v, shift, shiftBase, stride, n, q) : 0;
    if (from == n) {
      return;
    }
    for (int i = 0; i < d; i++) {
      final double c = shift == null ? 0.0 : shift[shiftBase + i];
      for (int b = from; b < n; b++) {
        scratch[i * stride + b] = v[i * stride + b] - c;
      }
    }
    // Row i of M(v − c) overwrites row i of the centred block from the last row up, so that rows j < i
    // still hold v_j − c_j: m_ii t_i + Σ_{j<i} m_ij t_j (the vector kernel adds m_ii t_i in its place,
    // after j = i − 1); then the squares, rows in order. Loops over the columns, long and independent,
    // which the JIT vectorizes.
    for (int i = d - 1; i >= 0; i--) {
      final int vi = i * stride;
      final int mi = base + i * d;
      final double mii = m[mi + i];
      for (int b = from; b < n; b++) {
        scratch[vi + b] *= mii;
      }
      for (int j = 0; j < i; j++) {
        final double mij = m[mi + j];
        final int vj = j * stride;
        for (int b = from; b < n; b++) {
          scratch[vi + b] += mij * scratch[vj + b];
        }
      }
    }
    for (int i = 0; i < d; i++) {
      final int vi = i * stride;
      for (int b = from; b < n; b++) {
        q[b] += scratch[vi + b] * scratch[vi + b];
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

  /**
   * The lanes a vector kernel keeps its partial sums in ({@link #moments}, {@link #sums}): the
   * preferred vector's with the Vector API, else 1. A statistic summed so has this many partial
   * sums per element; {@link #addLanes} adds them up in lane order.
   */
  public static int lanes() {
    return VECTOR ? VectorKernels.L : 1;
  }

  /**
   * The E-step's normalization of a block of rows, in place: column b &lt; n of {@code lp}
   * ({@code lp[j * stride + b]}, j &lt; k) holds log p(x_b, z = j) and becomes the responsibilities
   * r_bj = exp(lp_bj − m_b) / s_b, where m_b = max_j lp_bj and s_b = Σ_j exp(lp_bj − m_b) (for
   * k = 2 with one exp per row, of −|lp_b0 − lp_b1|). Returns
   * Σ_b log p(x_b) = Σ_b (m_b + log s_b): the logs of the s_b, which lie in [1, k], are taken of
   * their product, once per block unless it nears overflow. A row no component gives any
   * probability (m_b = −∞) gets r = 0 and makes the sum −∞. Rows k, k + 1 and k + 2 of lp (three
   * more rows of stride ≥ {@link #lanes}) are scratch.
   */
  public static double responsibilities(double[] lp, int stride, int k, int n) {
    return responsibilities(lp, stride, k, n, VECTOR);
  }

  static double responsibilities(double[] lp, int stride, int k, int n, boolean vector) {
    int from = vector ? VectorKernels.responsibilities(lp, stride, k, n) : 0;
    double ll = 0.0;
    double prod = 1.0;
    if (from > 0) {
      // The vector rows' lanes: Σ m, and Π s as 2^e · f.
      double exponent = 0.0;
      for (int l = 0; l < VectorKernels.L; l++) {
        ll += lp[k * stride + l];
        prod *= lp[(k + 1) * stride + l];
        exponent += lp[(k + 2) * stride + l];
      }
      ll += exponent * LN2;
    }
    for (int b = from; b < n; b++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, lp[j * stride + b]);
      }
      if (max == Double.NEGATIVE_INFINITY) {
        for (int j = 0; j < k; j++) {
          lp[j * stride + b] = 0.0;
        }
        ll = Double.NEGATIVE_INFINITY;
        continue;
      }
      double sum = 0.0;
      if (k == 2) {
        // One exp per row, as the vector kernel.
        final boolean first = lp[b] >= lp[stride + b];
        final double e = FastMath.exp(-Math.abs(lp[b] - lp[stride + b]));
        sum = 1.0 + e;
        final double big = 1.0 / sum;
        lp[b] = first ? big : e * big;
        lp[stride + b] = first ? e * big : big;
      } else {
        for (int j = 0; j < k; j++) {
          final double e = FastMath.exp(lp[j * stride + b] - max);
          lp[j * stride + b] = e;
          sum += e;
        }
        final double inv = 1.0 / sum;
        for (int j = 0; j < k; j++) {
          lp[j * stride + b] *= inv;
        }
      }
      ll += max;
      prod *= sum;
      if (prod > 1e280) {
        ll += Math.log(prod);
        prod = 1.0;
      }
    }
    return ll + Math.log(prod);
  }

  private static final double LN2 = Math.log(2.0);

  /**
   * Σ_i (v_bi − c_i)² / σ_i for the columns b &lt; n of a block of rows' vectors v (element i of
   * row b at {@code v[i * stride + b]}, i &lt; d), added to {@code q[b]}: a diagonal quadratic form,
   * with c_i = {@code shift[shiftBase + i]} (0 when shift is null) and 1/σ_i = {@code inv[invBase + i]}.
   */
  public static void diagonalSquares(double[] v, int stride, int n, int d, double[] shift, int shiftBase,
      double[] inv, int invBase, double[] q) {
    diagonalSquares(v, stride, n, d, shift, shiftBase, inv, invBase, q, VECTOR);
  }

  static void diagonalSquares(double[] v, int stride, int n, int d, double[] shift, int shiftBase, double[] inv,
      int invBase, double[] q, boolean vector) {
    int from = vector ? VectorKernels.diagonalSquares(v, stride, n, d, shift, shiftBase, inv, invBase, q) : 0;
    for (int i = 0; i < d; i++) {
      final double c = shift == null ? 0.0 : shift[shiftBase + i];
      final double w = inv[invBase + i];
      for (int b = from; b < n; b++) {
        final double t = v[i * stride + b] - c;
        q[b] += t * t * w;
      }
    }
  }

  /**
   * The first and second moments of a block of rows' vectors about c, at weights r: Σ_b r_b (v_bi −
   * c_i) and Σ_b r_b (v_bi − c_i)², for rows b &lt; n (v as in {@link #diagonalSquares}, r_b =
   * {@code r[rOff + b]}, c_i = {@code shift[base + i]} or 0), added to the {@link #lanes} partial
   * sums of element i at {@code first[(firstOff + i) * lanes + …]}, and likewise into second;
   * either may be null.
   */
  public static void moments(double[] v, int stride, int n, int d, double[] shift, int base, double[] r, int rOff,
      double[] first, int firstOff, double[] second, int secondOff) {
    moments(v, stride, n, d, shift, base, r, rOff, first, firstOff, second, secondOff, VECTOR);
  }

  static void moments(double[] v, int stride, int n, int d, double[] shift, int base, double[] r, int rOff,
      double[] first, int firstOff, double[] second, int secondOff, boolean vector) {
    final int lanes = vector ? VectorKernels.L : 1;
    int from = vector ? VectorKernels.moments(v, stride, n, d, shift, base, r, rOff, first, firstOff, second,
        secondOff) : 0;
    if (!vector) {
      // One partial sum per element: summed in locals, not through the array, row after row.
      for (int i = 0; i < d; i++) {
        final double c = shift == null ? 0.0 : shift[base + i];
        double s1 = 0.0;
        double s2 = 0.0;
        for (int b = 0; b < n; b++) {
          final double t = v[i * stride + b] - c;
          final double rt = r[rOff + b] * t;
          s1 += rt;
          s2 += rt * t;
        }
        if (first != null) {
          first[firstOff + i] += s1;
        }
        if (second != null) {
          second[secondOff + i] += s2;
        }
      }
      return;
    }
    for (int i = 0; i < d; i++) {
      final double c = shift == null ? 0.0 : shift[base + i];
      for (int b = from; b < n; b++) {
        final double t = v[i * stride + b] - c;
        final double rt = r[rOff + b] * t;
        // A row past the vectors' last whole one joins the partial sum of its lane.
        final int lane = b % lanes;
        if (first != null) {
          first[(firstOff + i) * lanes + lane] += rt;
        }
        if (second != null) {
          second[(secondOff + i) * lanes + lane] += rt * t;
        }
      }
    }
  }

  /**
   * The lower triangle of the second moment about c at weights r: Σ_b r_b (v_bi − c_i)(v_bj −
   * c_j) for j ≤ i &lt; d and rows b &lt; n (v, r and c as in {@link #moments}), added to the
   * {@link #lanes} partial sums of entry (i, j) at {@code out[(off + i (i + 1) / 2 + j) * lanes +
   * …]}: the weighted scatter (as SYRK) with the block's rows in vector lanes, so that it needs no
   * horizontal sums. Unless {@code first} is null, the first moment Σ_b r_b (v_bi − c_i) too, as
   * {@link #moments} adds it. The weights are responsibilities, r ≥ 0: the vector kernel sums
   * (√r t_i)(√r t_j) and √r (√r t_i).
   * {@code scratch}, (d + 1)·stride long, is the kernel's to overwrite.
   */
  public static void products(double[] v, int stride, int n, int d, double[] shift, int base, double[] r, int rOff,
      double[] first, int firstOff, double[] out, int off, double[] scratch) {
    products(v, stride, n, d, shift, base, r, rOff, first, firstOff, out, off, scratch, VECTOR);
  }

  static void products(double[] v, int stride, int n, int d, double[] shift, int base, double[] r, int rOff,
      double[] first, int firstOff, double[] out, int off, double[] scratch, boolean vector) {
    final int lanes = vector ? VectorKernels.L : 1;
    final int from = vector
        ? VectorKernels.products(v, stride, n, d, shift, base, r, rOff, first, firstOff, out, off, scratch) : 0;
    for (int i = 0; i < d; i++) {
      final double ci = shift == null ? 0.0 : shift[base + i];
      if (first != null) {
        for (int b = from; b < n; b++) {
          // A row past the vectors' last whole one joins the partial sum of its lane.
          first[(firstOff + i) * lanes + b % lanes] += r[rOff + b] * (v[i * stride + b] - ci);
        }
      }
      for (int j = 0; j <= i; j++) {
        final double cj = shift == null ? 0.0 : shift[base + j];
        final int at = (off + i * (i + 1) / 2 + j) * lanes;
        for (int b = from; b < n; b++) {
          out[at + b % lanes] += r[rOff + b] * (v[i * stride + b] - ci) * (v[j * stride + b] - cj);
        }
      }
    }
  }

  /**
   * Adds k lower triangles of order d, held as {@link #products} leaves their partial sums, into
   * {@code stats} from {@code offset} on, row-major d×d, each entry's lanes in lane order.
   */
  public static void addLowerLanes(double[] partial, int k, int d, double[] stats, int offset) {
    final int lanes = lanes();
    final int triangle = d * (d + 1) / 2;
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          final int at = (c * triangle + i * (i + 1) / 2 + j) * lanes;
          double s = 0.0;
          for (int l = 0; l < lanes; l++) {
            s += partial[at + l];
          }
          stats[offset + c * d * d + i * d + j] += s;
        }
      }
    }
  }

  /** Σ_b r_b for b &lt; n (r_b = {@code r[rOff + b]}), added to the {@link #lanes} partial sums at {@code out[off * lanes + …]}. */
  public static void sums(double[] r, int rOff, int n, double[] out, int off) {
    sums(r, rOff, n, out, off, VECTOR);
  }

  static void sums(double[] r, int rOff, int n, double[] out, int off, boolean vector) {
    final int lanes = vector ? VectorKernels.L : 1;
    int from = vector ? VectorKernels.sums(r, rOff, n, out, off) : 0;
    for (int b = from; b < n; b++) {
      out[off * lanes + b % lanes] += r[rOff + b];
    }
  }

  /** Adds m elements' {@link #lanes} partial sums, each in lane order, into {@code stats[offset …]}. */
  public static void addLanes(double[] partial, int m, double[] stats, int offset) {
    final int lanes = lanes();
    for (int e = 0; e < m; e++) {
      double s = 0.0;
      for (int l = 0; l < lanes; l++) {
        s += partial[e * lanes + l];
      }
      stats[offset + e] += s;
    }
  }
}
