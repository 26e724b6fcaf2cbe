package dev.emc.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockKernels} with the Vector API, loaded only when the JVM has it. The dense kernels work
 * on tiles — four rows of the result by four (or two) vectors — whose partial sums stay in
 * registers while they stream the operands past them: per step, four vector loads and four
 * broadcasts (or four more loads) feed sixteen multiply-adds, where a loop over one row of the
 * result would load and store the row for every multiply-add. Sixteen sums and their operands is
 * as far as it goes with C2 (JDK 17): tiles with more vectors alive at once made the pass slower,
 * up to twice (BENCHMARKS.md). Every partial sum adds its terms in the order the plain loops do, but
 * for the place of the diagonal term in a row of inverseSquares'.
 */
final class VectorKernels {
  private VectorKernels() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  static final int L = S.length();

  static int padded(int d) {
    return (d + L - 1) / L * L;
  }

  private static DoubleVector at(double[] a, int i) {
    return DoubleVector.fromArray(S, a, i);
  }

  private static DoubleVector all(double c) {
    return DoubleVector.broadcast(S, c);
  }

  /**
   * {@link BlockKernels#inverseSquares} for columns in whole bands of 4L; returns how many it did.
   * Rows of M(v − c) four at a time: each is a sum over the rows of v − c down to its own, and no row
   * waits for another, so a tile's sixteen sums advance together. Each tile subtracts c as it loads
   * v (a subtraction per load, beside four multiply-adds), where storing the centred block first
   * cost a pass of stores over it per component.
   */
  static int inverseSquares(double[] m, int base, int d, double[] v, double[] shift, int shiftBase, int stride,
      int n, double[] q) {
    // Zeros for no shift: v − 0 is v, to the bit.
    final double[] c = shift == null ? new double[d] : shift;
    final int cBase = shift == null ? 0 : shiftBase;
    int b = 0;
    for (; b + 4 * L <= n; b += 4 * L) {
      // The rows four do not divide first, where their sums are shortest (row i sums i + 1 terms):
      // the narrow tiles, the least efficient, then do the least of the work. The squares are still
      // added to q row by row in order.
      int i = 0;
      if (d % 2 == 1) {
        oneRow(m, base, d, v, c, cBase, stride, b, i, q);
        i = 1;
      }
      if (d % 4 >= 2) {
        twoRows(m, base, d, v, c, cBase, stride, b, i, q);
        i += 2;
      }
      for (; i < d; i += 4) {
        fourRows(m, base, d, v, c, cBase, stride, b, i, q);
      }
    }
    return b;
  }

  // One method per tile, small enough that the JIT compiles every vector in it to a register. Small
  // also in C2's count of the nodes it parses: past NodeCountInliningCutoff (18000, fixed in product
  // JVMs) it inlines no further call, and a Vector API call it does not inline returns a boxed
  // vector, allocated on every call of the tile (fourRows was just past it: 1 GB/s of garbage in
  // workload b, 4% of the pass). bench/README says how to check a tile after a change.

  /** Rows i … i + 3 of M(v − c), columns b … b + 4L − 1, and their squares added to q. */
  private static void fourRows(double[] m, int base, int d, double[] v, double[] c, int cBase, int stride,
      int b, int i, double[] q) {
    final int m0 = base + i * d;
    final int m1 = base + (i + 1) * d;
    final int m2 = base + (i + 2) * d;
    final int m3 = base + (i + 3) * d;
    final DoubleVector zero = DoubleVector.zero(S);
    DoubleVector a00 = zero, a01 = zero, a02 = zero, a03 = zero;
    DoubleVector a10 = zero, a11 = zero, a12 = zero, a13 = zero;
    DoubleVector a20 = zero, a21 = zero, a22 = zero, a23 = zero;
    DoubleVector a30 = zero, a31 = zero, a32 = zero, a33 = zero;
    for (int j = 0; j < i + 4; j++) { // M's zeros above the diagonal add nothing
      final int vj = j * stride + b;
      final DoubleVector cj = all(c[cBase + j]);
      final DoubleVector y0 = at(v, vj).sub(cj), y1 = at(v, vj + L).sub(cj),
          y2 = at(v, vj + 2 * L).sub(cj), y3 = at(v, vj + 3 * L).sub(cj);
      DoubleVector e = all(m[m0 + j]);
      a00 = y0.fma(e, a00);
      a01 = y1.fma(e, a01);
      a02 = y2.fma(e, a02);
      a03 = y3.fma(e, a03);
      e = all(m[m1 + j]);
      a10 = y0.fma(e, a10);
      a11 = y1.fma(e, a11);
      a12 = y2.fma(e, a12);
      a13 = y3.fma(e, a13);
      e = all(m[m2 + j]);
      a20 = y0.fma(e, a20);
      a21 = y1.fma(e, a21);
      a22 = y2.fma(e, a22);
      a23 = y3.fma(e, a23);
      e = all(m[m3 + j]);
      a30 = y0.fma(e, a30);
      a31 = y1.fma(e, a31);
      a32 = y2.fma(e, a32);
      a33 = y3.fma(e, a33);
    }
    // fromArray, not at(): the wrapper's inlining costs nodes this tile has not to spare.
    a30.fma(a30, a20.fma(a20, a10.fma(a10, a00.fma(a00, DoubleVector.fromArray(S, q, b))))).intoArray(q, b);
    a31.fma(a31, a21.fma(a21, a11.fma(a11, a01.fma(a01, DoubleVector.fromArray(S, q, b + L))))).intoArray(q, b + L);
    a32.fma(a32, a22.fma(a22, a12.fma(a12, a02.fma(a02, DoubleVector.fromArray(S, q, b + 2 * L)))))
        .intoArray(q, b + 2 * L);
    a33.fma(a33, a23.fma(a23, a13.fma(a13, a03.fma(a03, DoubleVector.fromArray(S, q, b + 3 * L)))))
        .intoArray(q, b + 3 * L);
  }

  /** Rows i and i + 1 of M(v − c) (of the first rows, before those four at a time), columns b … b + 4L − 1. */
  private static void twoRows(double[] m, int base, int d, double[] v, double[] c, int cBase, int stride,
      int b, int i, double[] q) {
    final int m0 = base + i * d;
    final int m1 = base + (i + 1) * d;
    final DoubleVector zero = DoubleVector.zero(S);
    DoubleVector a00 = zero, a01 = zero, a02 = zero, a03 = zero;
    DoubleVector a10 = zero, a11 = zero, a12 = zero, a13 = zero;
    for (int j = 0; j < i + 2; j++) { // M's zeros above the diagonal add nothing
      final int vj = j * stride + b;
      final DoubleVector cj = all(c[cBase + j]);
      final DoubleVector y0 = at(v, vj).sub(cj), y1 = at(v, vj + L).sub(cj),
          y2 = at(v, vj + 2 * L).sub(cj), y3 = at(v, vj + 3 * L).sub(cj);
      DoubleVector e = all(m[m0 + j]);
      a00 = y0.fma(e, a00);
      a01 = y1.fma(e, a01);
      a02 = y2.fma(e, a02);
      a03 = y3.fma(e, a03);
      e = all(m[m1 + j]);
      a10 = y0.fma(e, a10);
      a11 = y1.fma(e, a11);
      a12 = y2.fma(e, a12);
      a13 = y3.fma(e, a13);
    }
    a10.fma(a10, a00.fma(a00, at(q, b))).intoArray(q, b);
    a11.fma(a11, a01.fma(a01, at(q, b + L))).intoArray(q, b + L);
    a12.fma(a12, a02.fma(a02, at(q, b + 2 * L))).intoArray(q, b + 2 * L);
    a13.fma(a13, a03.fma(a03, at(q, b + 3 * L))).intoArray(q, b + 3 * L);
  }

  /** Row i of M(v − c), columns b … b + 4L − 1, and its square added to q. */
  private static void oneRow(double[] m, int base, int d, double[] v, double[] c, int cBase, int stride,
      int b, int i, double[] q) {
    final int m0 = base + i * d;
    final DoubleVector zero = DoubleVector.zero(S);
    DoubleVector a00 = zero, a01 = zero, a02 = zero, a03 = zero;
    for (int j = 0; j <= i; j++) {
      final int vj = j * stride + b;
      final DoubleVector cj = all(c[cBase + j]);
      final DoubleVector y0 = at(v, vj).sub(cj), y1 = at(v, vj + L).sub(cj),
          y2 = at(v, vj + 2 * L).sub(cj), y3 = at(v, vj + 3 * L).sub(cj);
      DoubleVector e = all(m[m0 + j]);
      a00 = y0.fma(e, a00);
      a01 = y1.fma(e, a01);
      a02 = y2.fma(e, a02);
      a03 = y3.fma(e, a03);
    }
    a00.fma(a00, at(q, b)).intoArray(q, b);
    a01.fma(a01, at(q, b + L)).intoArray(q, b + L);
    a02.fma(a02, at(q, b + 2 * L)).intoArray(q, b + 2 * L);
    a03.fma(a03, at(q, b + 3 * L)).intoArray(q, b + 3 * L);
  }

  /**
   * Tiles of four rows i by two vectors of columns j of S, over the lower triangle (and the part
   * of the diagonal tiles above it), each summing the block's rows m in order.
   */
  static void scatterLower(double[] x, double[] w, int n, int d, int dp, double[] s, int sOff) {
    int i = 0;
    for (; i + 4 <= d; i += 4) {
      final int vectors = (i + 3) / L + 1; // those that hold columns 0 … i + 3
      final int s0 = sOff + i * dp;
      final int s1 = s0 + dp;
      final int s2 = s1 + dp;
      final int s3 = s2 + dp;
      int jv = 0;
      for (; jv + 2 <= vectors; jv += 2) {
        final int j = jv * L;
        DoubleVector t00 = at(s, s0 + j), t01 = at(s, s0 + j + L), t10 = at(s, s1 + j), t11 = at(s, s1 + j + L);
        DoubleVector t20 = at(s, s2 + j), t21 = at(s, s2 + j + L), t30 = at(s, s3 + j), t31 = at(s, s3 + j + L);
        for (int m = 0; m < n; m++) {
          final int r = m * dp;
          final DoubleVector x0 = at(x, r + j);
          final DoubleVector x1 = at(x, r + j + L);
          DoubleVector c = all(w[r + i]);
          t00 = x0.fma(c, t00);
          t01 = x1.fma(c, t01);
          c = all(w[r + i + 1]);
          t10 = x0.fma(c, t10);
          t11 = x1.fma(c, t11);
          c = all(w[r + i + 2]);
          t20 = x0.fma(c, t20);
          t21 = x1.fma(c, t21);
          c = all(w[r + i + 3]);
          t30 = x0.fma(c, t30);
          t31 = x1.fma(c, t31);
        }
        t00.intoArray(s, s0 + j);
        t01.intoArray(s, s0 + j + L);
        t10.intoArray(s, s1 + j);
        t11.intoArray(s, s1 + j + L);
        t20.intoArray(s, s2 + j);
        t21.intoArray(s, s2 + j + L);
        t30.intoArray(s, s3 + j);
        t31.intoArray(s, s3 + j + L);
      }
      if (jv < vectors) {
        final int j = jv * L;
        DoubleVector t0 = at(s, s0 + j), t1 = at(s, s1 + j), t2 = at(s, s2 + j), t3 = at(s, s3 + j);
        for (int m = 0; m < n; m++) {
          final int r = m * dp;
          final DoubleVector x0 = at(x, r + j);
          t0 = x0.fma(all(w[r + i]), t0);
          t1 = x0.fma(all(w[r + i + 1]), t1);
          t2 = x0.fma(all(w[r + i + 2]), t2);
          t3 = x0.fma(all(w[r + i + 3]), t3);
        }
        t0.intoArray(s, s0 + j);
        t1.intoArray(s, s1 + j);
        t2.intoArray(s, s2 + j);
        t3.intoArray(s, s3 + j);
      }
    }
    for (; i < d; i++) {
      final int si = sOff + i * dp;
      for (int j = 0; j <= i; j += L) {
        DoubleVector t = at(s, si + j);
        for (int m = 0; m < n; m++) {
          final int r = m * dp;
          t = at(x, r + j).fma(all(w[r + i]), t);
        }
        t.intoArray(s, si + j);
      }
    }
  }

  // ------------------------------------------------------------------ rows in lanes

  // e^x = 2^n e^r with n = round(x / ln 2) and |r| ≤ ln 2 / 2, r = x − n ln 2 in two parts (Cody and
  // Waite), e^r by its Taylor polynomial to r¹³ (the next term is below 2e-17 of it), 2^n put in a
  // double's exponent as two factors so that results in the subnormal range round once. Only
  // operations IEEE 754 defines exactly, so that the interpreter and the JIT agree to the bit.
  private static final double LOG2E = 1.4426950408889634;
  /** 1.5 · 2⁵²: x / ln 2 + SHIFT rounds to the nearest integer n, which the low bits then hold. */
  private static final double SHIFT = 0x1.8p52;
  private static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
  private static final double LN2_HI = 0x1.62e42fefa39efp-1;
  private static final double LN2_LO = 0x1.abc9e3b39803fp-56;
  private static final double[] TAYLOR = new double[14];

  static {
    double factorial = 1.0;
    for (int j = 0; j < TAYLOR.length; j++) {
      factorial *= Math.max(j, 1);
      TAYLOR[j] = 1.0 / factorial;
    }
  }

  /**
   * e^x in every lane, within 1 ulp where e^x is a normal double (2.3e-16 relative; VectorExpTest),
   * one step of the subnormal grid below it, 0 below −745.13, +∞ above 709.78, NaN for NaN.
   */
  static DoubleVector exp(DoubleVector x) {
    final DoubleVector xc = x.max(-746.0).min(710.0); // keeps n's bits in range; NaN stays NaN
    final DoubleVector t = xc.fma(all(LOG2E), all(SHIFT));
    final DoubleVector n = t.sub(SHIFT);
    DoubleVector r = n.fma(all(-LN2_HI), xc);
    r = n.fma(all(-LN2_LO), r);
    DoubleVector p = all(TAYLOR[13]);
    for (int j = 12; j >= 0; j--) {
      p = p.fma(r, all(TAYLOR[j]));
    }
    final LongVector bits = t.reinterpretAsLongs().sub(SHIFT_BITS);
    final LongVector half = bits.lanewise(VectorOperators.ASHR, 1);
    return p.mul(power(half)).mul(power(bits.sub(half)));
  }

  /** 2^m for |m| ≤ 1022. */
  private static DoubleVector power(LongVector m) {
    return m.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
  }

  /**
   * {@link BlockKernels#responsibilities} for the rows of whole vectors, returning how many rows it
   * did; it leaves a group with a row of m = −∞ (and the rows past the last whole vector) to the
   * plain loop. Per lane, the rows' Σ m, and Π s as 2^e · f with f in [1, 2), go to the first L
   * entries of lp's rows k, k + 1 and k + 2, where the caller adds them up: the exponent is taken
   * out after each product, so that it can neither overflow nor cost a log per row.
   */
  static int responsibilities(double[] lp, int stride, int k, int n) {
    DoubleVector maxima = all(0.0);
    DoubleVector fraction = all(1.0);
    LongVector exponent = LongVector.zero(LONGS);
    int b = 0;
    for (; b + L <= n; b += L) {
      DoubleVector max = at(lp, b);
      for (int j = 1; j < k; j++) {
        max = max.max(at(lp, j * stride + b));
      }
      if (max.compare(VectorOperators.EQ, Double.NEGATIVE_INFINITY).anyTrue()) {
        break;
      }
      DoubleVector sum;
      if (k == 2) {
        // One exp per row: e = exp(−|lp_0 − lp_1|), the larger gets 1 / (1 + e), the other e / (1 + e).
        final DoubleVector a = at(lp, b);
        final DoubleVector c = at(lp, stride + b);
        final DoubleVector e = exp(a.sub(c).abs().neg());
        sum = e.add(1.0);
        final DoubleVector big = all(1.0).div(sum);
        final DoubleVector small = e.mul(big);
        final VectorMask<Double> first = a.compare(VectorOperators.GE, c);
        small.blend(big, first).intoArray(lp, b);
        big.blend(small, first).intoArray(lp, stride + b);
      } else {
        sum = all(0.0);
        for (int j = 0; j < k; j++) {
          final DoubleVector e = exp(at(lp, j * stride + b).sub(max));
          e.intoArray(lp, j * stride + b);
          sum = sum.add(e);
        }
        final DoubleVector inv = all(1.0).div(sum);
        for (int j = 0; j < k; j++) {
          at(lp, j * stride + b).mul(inv).intoArray(lp, j * stride + b);
        }
      }
      maxima = maxima.add(max);
      // s ≥ 1, so f · s is normal and positive: its exponent field is all of 2^e.
      final LongVector bits = fraction.mul(sum).reinterpretAsLongs();
      exponent = exponent.add(bits.lanewise(VectorOperators.LSHR, 52).sub(1023));
      fraction = bits.and(MANTISSA).or(ONE_BITS).reinterpretAsDoubles();
    }
    maxima.intoArray(lp, k * stride);
    fraction.intoArray(lp, (k + 1) * stride);
    ((DoubleVector) exponent.convert(VectorOperators.L2D, 0)).intoArray(lp, (k + 2) * stride);
    return b;
  }

  private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, S.vectorShape());
  private static final long MANTISSA = (1L << 52) - 1;
  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

  /** {@link BlockKernels#diagonalSquares} for the rows of whole vectors; returns how many it did. */
  static int diagonalSquares(double[] v, int stride, int n, int d, double[] shift, int shiftBase, double[] inv,
      int invBase, double[] q) {
    int b = 0;
    for (; b + L <= n; b += L) {
      DoubleVector sum = at(q, b);
      for (int i = 0; i < d; i++) {
        final DoubleVector t = at(v, i * stride + b).sub(shift == null ? 0.0 : shift[shiftBase + i]);
        sum = t.mul(t).fma(all(inv[invBase + i]), sum);
      }
      sum.intoArray(q, b);
    }
    return b;
  }

  /** {@link BlockKernels#moments} for the rows of whole vectors; returns how many it did. */
  static int moments(double[] v, int stride, int n, int d, double[] shift, int base, double[] r, int rOff,
      double[] first, int firstOff, double[] second, int secondOff) {
    final int whole = n / L * L;
    for (int i = 0; i < d; i++) {
      final DoubleVector c = all(shift == null ? 0.0 : shift[base + i]);
      if (first != null && second != null) {
        DoubleVector s1 = at(first, (firstOff + i) * L);
        DoubleVector s2 = at(second, (secondOff + i) * L);
        for (int b = 0; b < whole; b += L) {
          final DoubleVector t = at(v, i * stride + b).sub(c);
          final DoubleVector rt = at(r, rOff + b).mul(t);
          s1 = s1.add(rt);
          s2 = rt.fma(t, s2);
        }
        s1.intoArray(first, (firstOff + i) * L);
        s2.intoArray(second, (secondOff + i) * L);
      } else if (first != null || second != null) {
        final boolean squared = first == null;
        final double[] out = squared ? second : first;
        final int at = ((squared ? secondOff : firstOff) + i) * L;
        DoubleVector s = at(out, at);
        for (int b = 0; b < whole; b += L) {
          final DoubleVector t = at(v, i * stride + b).sub(c);
          final DoubleVector rt = at(r, rOff + b).mul(t);
          s = squared ? rt.fma(t, s) : s.add(rt);
        }
        s.intoArray(out, at);
      }
    }
    return whole;
  }

  /**
   * {@link BlockKernels#products} for the rows of whole vectors; returns how many it did. The lower
   * triangle Σ s_i s_j of the block's deviations t_i = v_i − c_i scaled to s_i = √r ∘ t_i, in tiles
   * of four entries i by four entries j, sixteen sums in registers, each entry's lanes the rows
   * b ≡ lane (mod L) in order. The tile on the diagonal at i forms s_i … s_i+3 and the first moments
   * Σ r t_i = Σ √r s_i … as it goes and stores s into {@code scratch} for the tiles left of it: each
   * s computed and stored once, where a tile would compute it once per tile it is in, and no pass
   * over the block of its own. (√r s_i, a multiply-add on the √r the tile holds, where r t_i cost a
   * load of r, a multiply and an add: 6% of workload b's pass.)
   */
  static int products(double[] v, int stride, int n, int d, double[] shift, int base, double[] r, int rOff,
      double[] first, int firstOff, double[] out, int off, double[] scratch) {
    final int whole = n / L * L;
    if (whole == 0) {
      return 0;
    }
    // √r at scratch[q + b], s_i at scratch[i * stride + b]. r t_i t_j = s_i s_j: one stored operand per
    // element where r ∘ t_i and t_i were two.
    final int q = d * stride;
    for (int b = 0; b < whole; b += L) {
      at(r, rOff + b).sqrt().intoArray(scratch, q + b);
    }
    // Without first, the sums go to an array that is dropped: the loops are the same either way.
    final double[] s1 = first == null ? new double[d * L] : first;
    final int o1 = first == null ? 0 : firstOff;
    int i = 0;
    for (; i + 4 <= d; i += 4) {
      // s_i … s_i+3 formed and stored by the tile on the diagonal, for the tiles left of it.
      diagonalFour(v, stride, whole, shift, base, s1, o1, scratch, q, i, out, off);
      for (int j = 0; j < i; j += 4) {
        fourByFour(scratch, stride, whole, i, j, out, off);
      }
    }
    for (int e = i; e < d; e++) { // 0 … 3 rows left: their s, their entries left of the diagonal, the rest
      final DoubleVector c = all(shift == null ? 0.0 : shift[base + e]);
      DoubleVector sum = at(s1, (o1 + e) * L);
      for (int b = 0; b < whole; b += L) {
        final DoubleVector root = at(scratch, q + b);
        final DoubleVector se = root.mul(at(v, e * stride + b).sub(c));
        se.intoArray(scratch, e * stride + b);
        sum = se.fma(root, sum);
      }
      sum.intoArray(s1, (o1 + e) * L);
    }
    final int rest = d - i;
    for (int j = 0; j < i; j += 4) {
      if (rest >= 2) {
        twoByFour(scratch, stride, whole, i, j, out, off);
      }
      if (rest % 2 == 1) {
        oneByFour(scratch, stride, whole, d - 1, j, out, off);
      }
    }
    for (int a = i; a < d; a++) {
      for (int c = i; c <= a; c++) {
        entry(scratch, stride, whole, a, c, out, off);
      }
    }
    return whole;
  }

  /** Where entry (i, j) of the lower triangle keeps its lanes. */
  private static int lanesOf(int off, int i, int j) {
    return (off + i * (i + 1) / 2 + j) * L;
  }

  /** Entries i … i + 3 by j … j + 3 (j + 3 &lt; i): sixteen sums, per step four loads of s_j and four of s_i. */
  private static void fourByFour(double[] s, int stride, int n, int i, int j, double[] out, int off) {
    final int o0 = lanesOf(off, i, j), o1 = lanesOf(off, i + 1, j), o2 = lanesOf(off, i + 2, j),
        o3 = lanesOf(off, i + 3, j);
    DoubleVector s00 = at(out, o0), s01 = at(out, o0 + L), s02 = at(out, o0 + 2 * L), s03 = at(out, o0 + 3 * L);
    DoubleVector s10 = at(out, o1), s11 = at(out, o1 + L), s12 = at(out, o1 + 2 * L), s13 = at(out, o1 + 3 * L);
    DoubleVector s20 = at(out, o2), s21 = at(out, o2 + L), s22 = at(out, o2 + 2 * L), s23 = at(out, o2 + 3 * L);
    DoubleVector s30 = at(out, o3), s31 = at(out, o3 + L), s32 = at(out, o3 + 2 * L), s33 = at(out, o3 + 3 * L);
    final int ti = i * stride, tj = j * stride;
    for (int b = 0; b < n; b += L) {
      final DoubleVector sj0 = at(s, tj + b), sj1 = at(s, tj + stride + b), sj2 = at(s, tj + 2 * stride + b),
          sj3 = at(s, tj + 3 * stride + b);
      DoubleVector si = at(s, ti + b);
      s00 = si.fma(sj0, s00);
      s01 = si.fma(sj1, s01);
      s02 = si.fma(sj2, s02);
      s03 = si.fma(sj3, s03);
      si = at(s, ti + stride + b);
      s10 = si.fma(sj0, s10);
      s11 = si.fma(sj1, s11);
      s12 = si.fma(sj2, s12);
      s13 = si.fma(sj3, s13);
      si = at(s, ti + 2 * stride + b);
      s20 = si.fma(sj0, s20);
      s21 = si.fma(sj1, s21);
      s22 = si.fma(sj2, s22);
      s23 = si.fma(sj3, s23);
      si = at(s, ti + 3 * stride + b);
      s30 = si.fma(sj0, s30);
      s31 = si.fma(sj1, s31);
      s32 = si.fma(sj2, s32);
      s33 = si.fma(sj3, s33);
    }
    s00.intoArray(out, o0);
    s01.intoArray(out, o0 + L);
    s02.intoArray(out, o0 + 2 * L);
    s03.intoArray(out, o0 + 3 * L);
    s10.intoArray(out, o1);
    s11.intoArray(out, o1 + L);
    s12.intoArray(out, o1 + 2 * L);
    s13.intoArray(out, o1 + 3 * L);
    s20.intoArray(out, o2);
    s21.intoArray(out, o2 + L);
    s22.intoArray(out, o2 + 2 * L);
    s23.intoArray(out, o2 + 3 * L);
    s30.intoArray(out, o3);
    s31.intoArray(out, o3 + L);
    s32.intoArray(out, o3 + 2 * L);
    s33.intoArray(out, o3 + 3 * L);
  }

  /**
   * The ten entries of the 4×4 block on the diagonal at i, from s_i … s_i+3, which it forms from the
   * block and stores for the tiles left of it, with Σ √r s_i … Σ √r s_i+3 (four chains that advance
   * together).
   */
  private static void diagonalFour(double[] v, int stride, int n, double[] shift, int base, double[] first,
      int firstOff, double[] s, int q, int i, double[] out, int off) {
    final int o0 = lanesOf(off, i, i), o1 = lanesOf(off, i + 1, i), o2 = lanesOf(off, i + 2, i),
        o3 = lanesOf(off, i + 3, i);
    DoubleVector s00 = at(out, o0);
    DoubleVector s10 = at(out, o1), s11 = at(out, o1 + L);
    DoubleVector s20 = at(out, o2), s21 = at(out, o2 + L), s22 = at(out, o2 + 2 * L);
    DoubleVector s30 = at(out, o3), s31 = at(out, o3 + L), s32 = at(out, o3 + 2 * L), s33 = at(out, o3 + 3 * L);
    final int f = (firstOff + i) * L;
    DoubleVector f0 = at(first, f), f1 = at(first, f + L), f2 = at(first, f + 2 * L), f3 = at(first, f + 3 * L);
    final double c0 = shift == null ? 0.0 : shift[base + i], c1 = shift == null ? 0.0 : shift[base + i + 1],
        c2 = shift == null ? 0.0 : shift[base + i + 2], c3 = shift == null ? 0.0 : shift[base + i + 3];
    final int ti = i * stride;
    for (int b = 0; b < n; b += L) {
      final DoubleVector root = at(s, q + b);
      DoubleVector t = at(v, ti + b).sub(c0);
      final DoubleVector s0 = root.mul(t);
      t = at(v, ti + stride + b).sub(c1);
      final DoubleVector s1 = root.mul(t);
      t = at(v, ti + 2 * stride + b).sub(c2);
      final DoubleVector s2 = root.mul(t);
      t = at(v, ti + 3 * stride + b).sub(c3);
      final DoubleVector s3 = root.mul(t);
      s0.intoArray(s, ti + b);
      f0 = s0.fma(root, f0);
      s1.intoArray(s, ti + stride + b);
      f1 = s1.fma(root, f1);
      s2.intoArray(s, ti + 2 * stride + b);
      f2 = s2.fma(root, f2);
      s3.intoArray(s, ti + 3 * stride + b);
      f3 = s3.fma(root, f3);
      s00 = s0.fma(s0, s00);
      s10 = s1.fma(s0, s10);
      s11 = s1.fma(s1, s11);
      s20 = s2.fma(s0, s20);
      s21 = s2.fma(s1, s21);
      s22 = s2.fma(s2, s22);
      s30 = s3.fma(s0, s30);
      s31 = s3.fma(s1, s31);
      s32 = s3.fma(s2, s32);
      s33 = s3.fma(s3, s33);
    }
    f0.intoArray(first, f);
    f1.intoArray(first, f + L);
    f2.intoArray(first, f + 2 * L);
    f3.intoArray(first, f + 3 * L);
    s00.intoArray(out, o0);
    s10.intoArray(out, o1);
    s11.intoArray(out, o1 + L);
    s20.intoArray(out, o2);
    s21.intoArray(out, o2 + L);
    s22.intoArray(out, o2 + 2 * L);
    s30.intoArray(out, o3);
    s31.intoArray(out, o3 + L);
    s32.intoArray(out, o3 + 2 * L);
    s33.intoArray(out, o3 + 3 * L);
  }

  /** Entries i, i + 1 by j … j + 3, for the rows a multiple of four leaves. */
  private static void twoByFour(double[] s, int stride, int n, int i, int j, double[] out, int off) {
    final int o0 = lanesOf(off, i, j), o1 = lanesOf(off, i + 1, j);
    DoubleVector s00 = at(out, o0), s01 = at(out, o0 + L), s02 = at(out, o0 + 2 * L), s03 = at(out, o0 + 3 * L);
    DoubleVector s10 = at(out, o1), s11 = at(out, o1 + L), s12 = at(out, o1 + 2 * L), s13 = at(out, o1 + 3 * L);
    final int ti = i * stride, tj = j * stride;
    for (int b = 0; b < n; b += L) {
      final DoubleVector sj0 = at(s, tj + b), sj1 = at(s, tj + stride + b), sj2 = at(s, tj + 2 * stride + b),
          sj3 = at(s, tj + 3 * stride + b);
      DoubleVector si = at(s, ti + b);
      s00 = si.fma(sj0, s00);
      s01 = si.fma(sj1, s01);
      s02 = si.fma(sj2, s02);
      s03 = si.fma(sj3, s03);
      si = at(s, ti + stride + b);
      s10 = si.fma(sj0, s10);
      s11 = si.fma(sj1, s11);
      s12 = si.fma(sj2, s12);
      s13 = si.fma(sj3, s13);
    }
    s00.intoArray(out, o0);
    s01.intoArray(out, o0 + L);
    s02.intoArray(out, o0 + 2 * L);
    s03.intoArray(out, o0 + 3 * L);
    s10.intoArray(out, o1);
    s11.intoArray(out, o1 + L);
    s12.intoArray(out, o1 + 2 * L);
    s13.intoArray(out, o1 + 3 * L);
  }

  /** Entry i by j … j + 3. */
  private static void oneByFour(double[] s, int stride, int n, int i, int j, double[] out, int off) {
    final int o0 = lanesOf(off, i, j);
    DoubleVector s00 = at(out, o0), s01 = at(out, o0 + L), s02 = at(out, o0 + 2 * L), s03 = at(out, o0 + 3 * L);
    final int ti = i * stride, tj = j * stride;
    for (int b = 0; b < n; b += L) {
      final DoubleVector si = at(s, ti + b);
      s00 = si.fma(at(s, tj + b), s00);
      s01 = si.fma(at(s, tj + stride + b), s01);
      s02 = si.fma(at(s, tj + 2 * stride + b), s02);
      s03 = si.fma(at(s, tj + 3 * stride + b), s03);
    }
    s00.intoArray(out, o0);
    s01.intoArray(out, o0 + L);
    s02.intoArray(out, o0 + 2 * L);
    s03.intoArray(out, o0 + 3 * L);
  }

  /** Entry (i, j) alone: what the tiles leave, at most six entries on the diagonal. */
  private static void entry(double[] s, int stride, int n, int i, int j, double[] out, int off) {
    final int o = lanesOf(off, i, j);
    DoubleVector sum = at(out, o);
    for (int b = 0; b < n; b += L) {
      sum = at(s, i * stride + b).fma(at(s, j * stride + b), sum);
    }
    sum.intoArray(out, o);
  }

  /** {@link BlockKernels#sums} for the rows of whole vectors; returns how many it did. */
  static int sums(double[] r, int rOff, int n, double[] out, int off) {
    final int whole = n / L * L;
    DoubleVector s = at(out, off * L);
    for (int b = 0; b < whole; b += L) {
      s = s.add(at(r, rOff + b));
    }
    s.intoArray(out, off * L);
    return whole;
  }
}
