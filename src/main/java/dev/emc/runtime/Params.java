package dev.emc.runtime;

/**
 * A parameter's flat storage as nested arrays, the way people write them: φ as [K], μ as
 * [K][D], Σ as [K][D][D]; a parameter shared by all components has no component level.
 */
public final class Params {
  private Params() {}

  /** A double, double[], double[][] or double[][][]. */
  public static Object nested(ParamInfo p, double[] flat) {
    if (p.copies() == 1) {
      return value(p, flat, 0);
    }
    int n = p.elements();
    return switch (p.shape().length) {
      case 0 -> flat.clone();
      case 1 -> {
        double[][] out = new double[p.copies()][];
        for (int k = 0; k < p.copies(); k++) {
          out[k] = (double[]) value(p, flat, k * n);
        }
        yield out;
      }
      default -> {
        double[][][] out = new double[p.copies()][][];
        for (int k = 0; k < p.copies(); k++) {
          out[k] = (double[][]) value(p, flat, k * n);
        }
        yield out;
      }
    };
  }

  private static Object value(ParamInfo p, double[] flat, int at) {
    int[] s = p.shape();
    return switch (s.length) {
      case 0 -> flat[at];
      case 1 -> java.util.Arrays.copyOfRange(flat, at, at + s[0]);
      default -> {
        double[][] m = new double[s[0]][];
        for (int i = 0; i < s[0]; i++) {
          m[i] = java.util.Arrays.copyOfRange(flat, at + i * s[1], at + (i + 1) * s[1]);
        }
        yield m;
      }
    };
  }

  /** A value as a person writes it: 3, not 3.0. */
  public static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** The dimensions of {@link #nested}'s result, outermost first. */
  public static int[] dims(ParamInfo p) {
    int[] s = p.shape();
    if (p.copies() == 1) {
      return s.clone();
    }
    int[] d = new int[s.length + 1];
    d[0] = p.copies();
    System.arraycopy(s, 0, d, 1, s.length);
    return d;
  }
}
