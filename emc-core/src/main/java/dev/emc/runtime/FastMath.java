package dev.emc.runtime;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * e^x for the E-step's per-row normalization, where the exp is most of a cheap row's time.
 *
 * <p>Table plus polynomial: x = (m + j/N) ln 2 + r with N = 2048, so e^x = 2^m · 2^(j/N) · e^r,
 * |r| ≤ ln 2 / 2N ≈ 1.7e-4. 2^(j/N) is a table of two doubles each (the value rounded, and what
 * the rounding lost), so the only errors that matter are the last addition's rounding and the
 * table's second word: the result is within 0.51 ulp of e^x, about 1.1e-16 relative, wherever e^x
 * is a normal double. Where e^x is subnormal (x below −708.4) the result is within one step of the
 * subnormal grid, as {@link StrictMath#exp} is; above 709.78 it is +∞, below −745.14 it is 0, and
 * NaN stays NaN. {@code FastMathTest} checks this against {@link StrictMath#exp} over the whole
 * range and against exact values computed in {@link BigDecimal}.
 *
 * <p>Why not {@link Math#exp}: HotSpot's intrinsic is a call the JIT cannot inline or overlap
 * with the row's other arithmetic; this is a dozen multiply-adds and two loads it can schedule
 * among them.
 */
public final class FastMath {
  private FastMath() {}

  /** Table entries per doubling: 2^11, so that a degree-4 polynomial is exact to 1e-21. */
  private static final int BITS = 11;
  private static final int N = 1 << BITS;

  /** 2^(j/N) rounded to a double, and the remainder 2^(j/N) − TABLE_HI[j] rounded. */
  private static final double[] TABLE_HI = new double[N];
  private static final double[] TABLE_LO = new double[N];

  /** N / ln 2, and ln 2 / N in two parts: the first with 22 zero low bits, so k · it is exact. */
  private static final double N_OVER_LN2;
  private static final double LN2_OVER_N_HI;
  private static final double LN2_OVER_N_LO;

  /** 1.5 · 2^52: adding it rounds a double of magnitude below 2^51 to an integer in the low bits. */
  private static final double SHIFT = 0x1.8p52;

  static {
    // The table from exact arithmetic: 2^(1/N) by BITS square roots of 2, its powers by
    // multiplication, 40 digits throughout (2048 roundings at 1e-40 stay far below a double's).
    MathContext mc = new MathContext(40);
    BigDecimal root = BigDecimal.valueOf(2);
    for (int i = 0; i < BITS; i++) {
      root = root.sqrt(mc);
    }
    BigDecimal power = BigDecimal.ONE;
    for (int j = 0; j < N; j++) {
      TABLE_HI[j] = power.doubleValue();
      TABLE_LO[j] = power.subtract(new BigDecimal(TABLE_HI[j])).doubleValue();
      power = power.multiply(root, mc);
    }
    BigDecimal ln2 = new BigDecimal("0.6931471805599453094172321214581765680755");
    BigDecimal ln2OverN = ln2.divide(BigDecimal.valueOf(N), mc);
    N_OVER_LN2 = BigDecimal.valueOf(N).divide(ln2, mc).doubleValue();
    LN2_OVER_N_HI = Double.longBitsToDouble(
        Double.doubleToRawLongBits(ln2OverN.doubleValue()) & ~((1L << 22) - 1));
    LN2_OVER_N_LO = ln2OverN.subtract(new BigDecimal(LN2_OVER_N_HI)).doubleValue();
  }

  /** e^x, within 0.51 ulp where it is a normal double (see the class comment). */
  public static double exp(double x) {
    if (!(Math.abs(x) <= 708.0)) {
      return expEdges(x);
    }
    // k/N nearest x / ln 2; |kd| < 2^22 for |x| ≤ 746, so kd · LN2_OVER_N_HI is exact, and so is
    // the subtraction (the two are within a factor of two of each other, or kd is 0).
    double shifted = x * N_OVER_LN2 + SHIFT;
    long k = Double.doubleToRawLongBits(shifted) - Double.doubleToRawLongBits(SHIFT);
    double kd = shifted - SHIFT;
    double r = (x - kd * LN2_OVER_N_HI) - kd * LN2_OVER_N_LO;
    int j = (int) k & (N - 1);
    // 2^(k >> BITS) as a double: within [−1022, 1022] for |x| ≤ 708, a normal number.
    double scale = Double.longBitsToDouble(((k >> BITS) + 1023) << 52);
    return scale * expTable(j, r);
  }

  /**
   * 2^(j/N) · e^r for |r| ≤ ln 2 / 2N, in [0.99, 2): the table's value plus everything small
   * added together first, so that the sum's rounding is the one that counts.
   */
  private static double expTable(int j, double r) {
    // e^r − 1 = r + r²/2 + r³/6 + r⁴/24; the next term, r⁵/120, is below 1.3e-21.
    double p = r + r * r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24)));
    double hi = TABLE_HI[j];
    return hi + (TABLE_LO[j] + hi * p);
  }

  /** e^x outside [−708, 708], and NaN: overflow, the subnormal results, underflow to 0. */
  private static double expEdges(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    if (x > 709.8) {
      return Double.POSITIVE_INFINITY;
    }
    if (x < -746.0) {
      return 0.0;
    }
    double shifted = x * N_OVER_LN2 + SHIFT;
    long k = Double.doubleToRawLongBits(shifted) - Double.doubleToRawLongBits(SHIFT);
    double kd = shifted - SHIFT;
    double r = (x - kd * LN2_OVER_N_HI) - kd * LN2_OVER_N_LO;
    double y = expTable((int) k & (N - 1), r);
    long e = k >> BITS;
    // 2^e in two factors, each a normal double: the product overflows to ∞ or rounds once to
    // the subnormal grid, as it should.
    if (e > 0) {
      return y * Double.longBitsToDouble((e - 1 + 1023) << 52) * 2.0;
    }
    return y * Double.longBitsToDouble((e + 1000 + 1023) << 52) * 0x1p-1000;
  }
}
