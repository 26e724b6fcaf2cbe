package dev.emc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FastMath#exp} against its stated bound: within 0.51 ulp of the exact e^x where that is a
 * normal double (exact values from a Taylor series in {@link BigDecimal}), within one subnormal
 * step below that, and within one ulp of {@link StrictMath#exp} (fdlibm, itself within one ulp) at
 * every point of a dense sweep of the whole range where e^x is neither 0 nor ∞.
 */
class FastMathTest {
  static final MathContext MC = new MathContext(60);

  @Test
  void specialValuesAndTheEndsOfTheRange() {
    assertTrue(Double.isNaN(FastMath.exp(Double.NaN)));
    assertEquals(Double.POSITIVE_INFINITY, FastMath.exp(Double.POSITIVE_INFINITY));
    assertEquals(0.0, FastMath.exp(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, FastMath.exp(0.0));
    assertEquals(1.0, FastMath.exp(-0.0));
    assertEquals(1.0, FastMath.exp(Double.MIN_VALUE));
    assertEquals(Double.POSITIVE_INFINITY, FastMath.exp(Double.MAX_VALUE));
    assertEquals(0.0, FastMath.exp(-Double.MAX_VALUE));
    // The last doubles before overflow and underflow, and their neighbours across, as fdlibm has them.
    double[] edges = {709.782712893384, Math.nextUp(709.782712893384), 709.79, -745.1332191019411,
        -745.1332191019412, Math.nextDown(-745.1332191019412), -745.14, -744.44007192138126};
    for (double x : edges) {
      assertEquals(StrictMath.exp(x), FastMath.exp(x), "e^" + x);
    }
  }

  @Test
  void withinOneUlpOfStrictMathOverTheWholeRange() {
    // 16 million evenly spaced points over [−746, 710] (a step of about 9e-5, not a round number,
    // so the points fall everywhere in the table's intervals), 2 million over the subnormal
    // results, and x = ±2^−e for every e, where e^x is 1 ± tiny.
    int worst = 0;
    int n = 16_000_000;
    for (int i = 0; i <= n; i++) {
      worst = Math.max(worst, ulpsFromStrict(-746.0 + 1456.0 * i / n));
    }
    for (int i = 0; i <= 2_000_000; i++) {
      worst = Math.max(worst, ulpsFromStrict(-745.2 + 37.0 * i / 2_000_000));
    }
    for (int e = 0; e <= 1074; e++) {
      double x = Math.scalb(1.0, -e);
      worst = Math.max(worst, Math.max(ulpsFromStrict(x), ulpsFromStrict(-x)));
    }
    assertTrue(worst <= 1, "worst " + worst + " ulps from StrictMath.exp");
  }

  /** |FastMath.exp(x) − StrictMath.exp(x)| in units of the last place of the second. */
  private static int ulpsFromStrict(double x) {
    double strict = StrictMath.exp(x);
    double fast = FastMath.exp(x);
    if (strict == fast) {
      return 0;
    }
    if (Double.isInfinite(strict) || Double.isInfinite(fast)) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.ceil(Math.abs(fast - strict) / Math.ulp(strict));
  }

  @Test
  void withinHalfAnUlpAndALittleOfTheExactValue() {
    SplittableRandom rng = new SplittableRandom(21);
    double worstNormal = 0;
    double worstSubnormal = 0;
    for (int i = 0; i < 20_000; i++) {
      // Half of the points anywhere, half near 0 where the rows' exps are (lp_k − max ≤ 0).
      double x = i % 2 == 0 ? -745.0 + 1454.7 * rng.nextDouble() : -40 * rng.nextDouble();
      BigDecimal exact = exactExp(x);
      double nearest = exact.doubleValue();
      double steps = new BigDecimal(FastMath.exp(x)).subtract(exact).abs()
          .divide(new BigDecimal(Math.ulp(nearest)), MC).doubleValue();
      if (nearest >= Double.MIN_NORMAL) {
        worstNormal = Math.max(worstNormal, steps);
      } else {
        worstSubnormal = Math.max(worstSubnormal, steps);
      }
    }
    assertTrue(worstNormal <= 0.51, "worst " + worstNormal + " ulp from e^x");
    assertTrue(worstSubnormal <= 1.0, "worst " + worstSubnormal + " subnormal steps from e^x");
  }

  /** e^x to 60 digits: the Taylor series of e^(x/2^12), squared 12 times. */
  static BigDecimal exactExp(double x) {
    BigDecimal y = new BigDecimal(x).divide(BigDecimal.valueOf(4096), MC);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    for (int k = 1; k < 40; k++) {
      term = term.multiply(y, MC).divide(BigDecimal.valueOf(k), MC);
      sum = sum.add(term, MC);
    }
    for (int k = 0; k < 12; k++) {
      sum = sum.multiply(sum, MC);
    }
    return sum;
  }
}
