package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Where factor analysis starts. From the principal components: with eigenvalues λ_1 ≥ … ≥ λ_D
 * and eigenvectors u_a of the data's correlation matrix, W = U_Q (Λ_Q − σ²I)^½ with σ² the mean of
 * the other eigenvalues (probabilistic PCA's maximum, Tipping &amp; Bishop 1999), back on each
 * column's scale, and Ψ what remains of each column's variance. Factor analysis is unchanged by
 * rescaling a column, and so is this start. One noise variance for every column is probabilistic
 * PCA itself: its start, on the covariance, is its maximum. A random start (restarts after the
 * first, or --init-method random) draws W and sets Ψ to half of each column's variance.
 */
final class FactorStart {
  private FactorStart() {}

  static void set(EmModel m, Latent.Factors f, DataMatrix data, SplittableRandom random) {
    int d = f.width();
    int q = f.factors();
    double[] mean = mean(data, f.offset(), d);
    double[] cov = covariance(data, f.offset(), mean);
    double[] psi = m.param(f.noise());
    // One variance for every column: a number (in a mixture, perhaps one per component).
    boolean spherical = m.params().stream().filter(p -> p.name().equals(f.noise())).findFirst().orElseThrow()
        .shape().length == 0;
    double[] scale = new double[d];
    for (int i = 0; i < d; i++) {
      // A constant column gets scale 1; its noise variance then starts at 1 too.
      scale[i] = spherical ? 1.0 : cov[i * d + i] > 0 ? Math.sqrt(cov[i * d + i]) : 1.0;
    }
    // W on the correlation scale, row i of it divided by column i's scale.
    double[] unit;
    if (random == null) {
      Principal p = principal(cov, scale, q);
      unit = p.unit();
      if (spherical) {
        psi[0] = p.noise();
      }
    } else {
      unit = new double[d * q];
      for (int i = 0; i < d * q; i++) {
        unit[i] = random.nextGaussian() * Math.sqrt(0.5 / q);
      }
    }
    double[] w = m.param(f.loadings());
    double variances = 0;
    for (int i = 0; i < d; i++) {
      double explained = 0;
      for (int a = 0; a < q; a++) {
        w[i * q + a] = scale[i] * unit[i * q + a];
        explained += unit[i * q + a] * unit[i * q + a];
      }
      double variance = cov[i * d + i] > 0 ? cov[i * d + i] : 1.0;
      variances += variance;
      if (!spherical) {
        // On the correlation scale a column's variance is 1: the factors explain part of it.
        psi[i] = (random == null ? Math.max(1 - explained, 0.05) : 0.5) * variance;
      }
    }
    if (spherical && random != null) {
      psi[0] = 0.5 * variances / d;
    }
    System.arraycopy(mean, 0, m.param(f.mean()), 0, d);
    // A mixture of factor analysers: every component starts as this one, the first.
    for (String p : new String[] {f.loadings(), f.mean(), f.noise()}) {
      double[] values = m.param(p);
      int one = p.equals(f.loadings()) ? d * q : p.equals(f.mean()) ? d : spherical ? 1 : d;
      for (int at = one; at + one <= values.length; at += one) {
        System.arraycopy(values, 0, values, at, one);
      }
    }
  }

  /** The mean of the {@code d} columns from {@code offset}. */
  private static double[] mean(DataMatrix data, int offset, int d) {
    double[] mean = new double[d];
    double[] values = data.values();
    int rows = data.rows();
    for (int n = 0; n < rows; n++) {
      for (int i = 0; i < d; i++) {
        mean[i] += values[n * data.columns() + offset + i] / rows;
      }
    }
    return mean;
  }

  /** Their covariance about {@code mean}, divided by N (a maximum-likelihood estimate), row-major. */
  private static double[] covariance(DataMatrix data, int offset, double[] mean) {
    int d = mean.length;
    double[] cov = new double[d * d];
    double[] values = data.values();
    int rows = data.rows();
    for (int n = 0; n < rows; n++) {
      int row = n * data.columns() + offset;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          cov[i * d + j] += (values[row + i] - mean[i]) * (values[row + j] - mean[j]) / rows;
        }
      }
    }
    return cov;
  }

  /**
   * The principal-component start: W on the correlation scale ({@code unit}, d × q, row-major) and
   * σ², the mean of the eigenvalues left out, which is probabilistic PCA's noise variance.
   */
  private record Principal(double[] unit, double noise) {}

  private static Principal principal(double[] cov, double[] scale, int q) {
    int d = scale.length;
    double[][] scaled = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        scaled[i][j] = cov[i * d + j] / (scale[i] * scale[j]);
      }
    }
    EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(scaled, false));
    double[] lambda = eigen.getRealEigenvalues();
    Integer[] order = new Integer[d];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(lambda[b], lambda[a]));
    double rest = 0;
    for (int a = q; a < d; a++) {
      rest += Math.max(lambda[order[a]], 0) / (d - q);
    }
    double[] unit = new double[d * q];
    for (int a = 0; a < q; a++) {
      double[] u = eigen.getEigenvector(order[a]).toArray();
      // A floor keeps every factor in play (W = 0 in a column is a fixed point of EM); it is
      // relative to the factor's own eigenvalue, as the largest may be 10⁸ times the next on the
      // covariance of probabilistic PCA, and a floor of it would move the start off the maximum.
      double length = Math.sqrt(Math.max(lambda[order[a]] - rest, 1e-6 * Math.max(lambda[order[a]], 1e-300)));
      for (int i = 0; i < d; i++) {
        unit[i * q + a] = u[i] * length;
      }
    }
    return new Principal(unit, rest > 0 ? rest : 1e-6 * Math.max(lambda[order[0]], 1e-300));
  }
}
