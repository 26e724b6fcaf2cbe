package dev.emc.runtime.fit;

import dev.emc.runtime.DataInfo;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.SettingInfo;
import dev.emc.runtime.data.DataMatrix;
import java.util.Locale;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Whether a fit of a normal mixture is spurious: a component that sits on a handful of rows, so
 * that its log-likelihood grows without bound as its covariance collapses, and that model
 * selection would otherwise reward (McLachlan and Peel 2000, §3.10). A fit is spurious when a
 * component with its own covariance holds fewer than D + 1 rows (Σ_n r_nk &lt; D + 1: too few to
 * span D dimensions around a mean), or when a covariance is near-singular: its smallest eigenvalue
 * below {@link #RATIO} times its largest, or, with --reg R &gt; 0, no more than {@link #FLOOR}
 * times what the regularization alone puts there. The update is (scatter + Ψ) / N_k, so along a
 * direction the rows do not span Σ_k's eigenvalue is at most max Ψ / N_k: a covariance that close
 * to that floor is kept finite by the regularization, not by the rows.
 */
public final class Spurious {
  private Spurious() {}

  /** The smallest eigenvalue over the largest below which a covariance is near-singular. */
  public static final double RATIO = 1e-6;
  /** How many times the regularization's own contribution a healthy covariance rises above. */
  public static final double FLOOR = 10;

  /**
   * Null when no component of {@code fit} is spurious, else why the first one is; {@code data} are
   * the rows it was fitted to (the components' sizes are their posteriors summed over them), or a
   * sample of them spread over all, whose sums are scaled up to the fitted rows' total weight.
   */
  public static String of(FitResult fit, DataMatrix data) {
    EmModel m = fit.model();
    if (m.gaussians().isEmpty() || !LatentPass.of(m).finite()) {
      return null;
    }
    double[] sizes = fit.classification(data).posteriorSums();
    double scale = fit.sampled(data);
    for (int k = 0; k < sizes.length; k++) {
      sizes[k] *= scale;
    }
    for (EmModel.Gaussian g : m.gaussians()) {
      if (g.scatter() < 0) {
        continue;
      }
      double psi = maxRegularization(m, g);
      int copies = g.covariancePerComponent() ? sizes.length : 1;
      for (int k = 0; k < copies; k++) {
        double n = g.covariancePerComponent() ? sizes[k] : fit.weight();
        String which = g.covariancePerComponent() ? "component " + (k + 1) : "the shared covariance";
        if (g.covariancePerComponent() && n < g.width() + 1) {
          return String.format(Locale.ROOT, "%s holds %.3g rows, fewer than D + 1 = %d", which, n, g.width() + 1);
        }
        double[] range = eigenRange(fit.params().get(g.covariance()), k * g.size(), g);
        if (!(range[0] >= RATIO * range[1])) {
          return String.format(Locale.ROOT, "%s (%.3g rows): its covariance is near-singular, eigenvalues %.3g to %.3g",
              which, n, range[0], range[1]);
        }
        if (psi > 0 && range[0] <= FLOOR * psi / n) {
          return String.format(Locale.ROOT, "%s (%.3g rows): its covariance's smallest eigenvalue %.3g is kept above"
              + " 0 by the regularization alone (max Ψ / N_k = %.3g)", which, n, range[0], psi / n);
        }
      }
    }
    return null;
  }

  /** The smallest and the largest eigenvalue of the covariance stored at {@code at}. */
  private static double[] eigenRange(double[] values, int at, EmModel.Gaussian g) {
    int d = g.width();
    double[] e = switch (g.form()) {
      case SPHERICAL -> new double[] {values[at]};
      case DIAGONAL -> java.util.Arrays.copyOfRange(values, at, at + d);
      case FULL -> {
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
          System.arraycopy(values, at + i * d, s[i], 0, d);
        }
        yield new EigenDecomposition(new Array2DRowRealMatrix(s, false)).getRealEigenvalues();
      }
    };
    java.util.DoubleSummaryStatistics range = java.util.Arrays.stream(e).summaryStatistics();
    return new double[] {range.getMin(), range.getMax()};
  }

  /** The largest entry of Ψ, the regularization of {@code g}'s covariance; 0 without one. */
  private static double maxRegularization(EmModel m, EmModel.Gaussian g) {
    double max = 0;
    for (SettingInfo s : m.settings()) {
      DataInfo d = m.data().stream().filter(x -> x.name().equals(s.data())).findFirst().orElseThrow();
      if (d.offset() == g.offset()) {
        for (double v : m.setting(s.name())) {
          max = Math.max(max, v);
        }
      }
    }
    return max;
  }
}
