package dev.emc.runtime.fit;

import dev.emc.runtime.Linalg;
import dev.emc.runtime.ParamInfo;
import java.util.Arrays;

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

  /**
   * What is wrong with a parameter's values for its kind, or null: each finite; a positive one
   * above 0; a probability in [0, 1]; a simplex's numbers at least 0 and adding up to 1 (within
   * 1e-9); a covariance symmetric (within 1e-9 of its scale) and positive definite. {@code path}
   * names the parameter in the message (params.phi); each value's place follows it, with its
   * component.
   */
  public static String problem(ParamInfo p, double[] flat, String path) {
    int[] dims = dims(p);
    for (int i = 0; i < flat.length; i++) {
      String bad = !Double.isFinite(flat[i]) ? "a finite number"
          : switch (p.constraint()) {
            case POSITIVE -> flat[i] > 0 ? null : "positive";
            case PROBABILITY -> flat[i] >= 0 && flat[i] <= 1 ? null : "a probability, between 0 and 1";
            case SIMPLEX -> flat[i] >= 0 ? null : "at least 0, as the probabilities of a simplex are";
            default -> null;
          };
      if (bad != null) {
        return place(p, path, dims, i) + " is " + format(flat[i]) + ", but it must be " + bad;
      }
    }
    int n = p.elements();
    for (int k = 0; k < p.copies(); k++) {
      if (p.constraint() == ParamInfo.Constraint.SIMPLEX) {
        // The last dimension holds the probabilities: one simplex per row of a matrix.
        int width = p.shape()[p.shape().length - 1];
        for (int row = k * n; row < (k + 1) * n; row += width) {
          double sum = 0;
          for (int i = row; i < row + width; i++) {
            sum += flat[i];
          }
          if (!(Math.abs(sum - 1) <= 1e-9)) {
            return place(p, path, Arrays.copyOf(dims, dims.length - 1), row / width) + " adds up to " + format(sum)
                + ", but the probabilities of a simplex add up to 1";
          }
        }
      }
      if (p.constraint() == ParamInfo.Constraint.COVARIANCE) {
        String bad = covarianceProblem(flat, k * n, p.shape()[0]);
        if (bad != null) {
          return place(p, path, Arrays.copyOf(dims, dims.length - 2), k) + " is " + bad;
        }
      }
    }
    return null;
  }

  /** Why the d × d block at {@code off} is not a covariance, or null. */
  private static String covarianceProblem(double[] a, int off, int d) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        double upper = a[off + j * d + i];
        double lower = a[off + i * d + j];
        // Off-diagonals are compared on the scale a covariance gives them: |σ_ij| ≤ √(σ_ii σ_jj).
        double scale = Math.max(Math.max(Math.abs(upper), Math.abs(lower)),
            Math.sqrt(Math.abs(a[off + i * d + i] * a[off + j * d + j])));
        if (!(Math.abs(upper - lower) <= 1e-9 * scale)) {
          return "not symmetric: [" + j + "][" + i + "] is " + format(upper) + " but [" + i + "][" + j + "] is "
              + format(lower);
        }
      }
    }
    return Linalg.cholesky(a, off, d, new double[d * d], 0) ? null
        : "not positive definite, as a covariance must be";
  }

  /** The place of a flat index as JSON writes it (params.mu[1][0]), and its component when it has one. */
  private static String place(ParamInfo p, String path, int[] dims, int flat) {
    StringBuilder b = new StringBuilder();
    for (int level = dims.length - 1; level >= 0; level--) {
      b.insert(0, "[" + flat % dims[level] + "]");
      flat /= dims[level];
    }
    String at = path + b;
    return p.copies() > 1 ? at + " (component " + (Integer.parseInt(b.substring(1, b.indexOf("]"))) + 1) + ")" : at;
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
