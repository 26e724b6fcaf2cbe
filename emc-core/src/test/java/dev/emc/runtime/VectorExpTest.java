package dev.emc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * The E-step's vector exp ({@link VectorKernels#exp}) against its stated bound, as FastMathTest
 * checks the scalar one: within 1 ulp of the exact e^x where that is a normal double (relative error
 * at most 2.3e-16, the issue asks 1e-15), within one subnormal step below, and within one ulp of
 * {@link StrictMath#exp} over a dense sweep of the whole range.
 */
class VectorExpTest {
  private static final int L = VectorKernels.L;

  /** e^x for each x, a vector at a time. */
  private static double[] exp(double... x) {
    int n = (x.length + L - 1) / L * L;
    double[] in = java.util.Arrays.copyOf(x, n);
    double[] out = new double[n];
    for (int i = 0; i < n; i += L) {
      VectorKernels.exp(DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, in, i)).intoArray(out, i);
    }
    return java.util.Arrays.copyOf(out, x.length);
  }

  @Test
  void specialValuesAndTheEndsOfTheRange() {
    assertTrue(BlockKernels.VECTOR, "the tests run with --add-modules=jdk.incubator.vector");
    double[] x = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, 709.782712893384, Math.nextUp(709.782712893384), 709.79,
        -745.1332191019411, -745.1332191019412, Math.nextDown(-745.1332191019412), -745.14, -744.44007192138126};
    double[] e = exp(x);
    assertTrue(Double.isNaN(e[0]));
    for (int i = 1; i < x.length; i++) {
      assertEquals(StrictMath.exp(x[i]), e[i], "e^" + x[i]);
    }
  }

  @Test
  void withinOneUlpOfStrictMathOverTheWholeRange() {
    // As FastMathTest: 16 million evenly spaced points over [−746, 710], 2 million over the
    // subnormal results, and x = ±2^−e for every e.
    int n = 16_000_000;
    double[] x = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      x[i] = -746.0 + 1456.0 * i / n;
    }
    int worst = worstUlps(x);
    double[] sub = new double[2_000_001];
    for (int i = 0; i < sub.length; i++) {
      sub[i] = -745.2 + 37.0 * i / 2_000_000;
    }
    worst = Math.max(worst, worstUlps(sub));
    double[] tiny = new double[2 * 1075];
    for (int e = 0; e <= 1074; e++) {
      tiny[2 * e] = Math.scalb(1.0, -e);
      tiny[2 * e + 1] = -Math.scalb(1.0, -e);
    }
    worst = Math.max(worst, worstUlps(tiny));
    assertTrue(worst <= 1, "worst " + worst + " ulps from StrictMath.exp");
  }

  private static int worstUlps(double[] x) {
    double[] fast = exp(x);
    int worst = 0;
    for (int i = 0; i < x.length; i++) {
      double strict = StrictMath.exp(x[i]);
      if (strict == fast[i]) {
        continue;
      }
      if (Double.isInfinite(strict) || Double.isInfinite(fast[i])) {
        return Integer.MAX_VALUE;
      }
      worst = Math.max(worst, (int) Math.ceil(Math.abs(fast[i] - strict) / Math.ulp(strict)));
    }
    return worst;
  }

  @Test
  void withinOneUlpOfTheExactValue() {
    SplittableRandom rng = new SplittableRandom(22);
    double[] x = new double[20_000];
    for (int i = 0; i < x.length; i++) {
      // Half anywhere, half near 0 where the rows' exps are (lp_k − max ≤ 0).
      x[i] = i % 2 == 0 ? -745.0 + 1454.7 * rng.nextDouble() : -40 * rng.nextDouble();
    }
    double[] fast = exp(x);
    double worstNormal = 0;
    double worstRelative = 0;
    double worstSubnormal = 0;
    for (int i = 0; i < x.length; i++) {
      BigDecimal exact = FastMathTest.exactExp(x[i]);
      double nearest = exact.doubleValue();
      BigDecimal error = new BigDecimal(fast[i]).subtract(exact).abs();
      double steps = error.divide(new BigDecimal(Math.ulp(nearest)), FastMathTest.MC).doubleValue();
      if (nearest >= Double.MIN_NORMAL) {
        worstNormal = Math.max(worstNormal, steps);
        worstRelative = Math.max(worstRelative, error.divide(exact, FastMathTest.MC).doubleValue());
      } else {
        worstSubnormal = Math.max(worstSubnormal, steps);
      }
    }
    assertTrue(worstNormal <= 1.0, "worst " + worstNormal + " ulp from e^x");
    assertTrue(worstRelative <= 2.3e-16, "worst relative error " + worstRelative);
    assertTrue(worstSubnormal <= 1.0, "worst " + worstSubnormal + " subnormal steps from e^x");
  }
}
