package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * Factor analysis and probabilistic PCA on rows whose first column is 10⁴ times the scale of the
 * others, with noise far below every column's variance: the case where eᵀΨ⁻¹e and bᵀGb, each
 * near 10¹², cancel. Each log-likelihood is checked against the density written out directly,
 * log N(x | μ, WWᵀ + Ψ) by a Cholesky factor of the D×D covariance, and probabilistic PCA's
 * against its closed-form maximum (Tipping &amp; Bishop 1999, eqs. 7, 8 and 16).
 */
class FactorScaleTest {
  private static final int Q = 2;
  private static final String[] NAMES = {"a", "b", "c", "d", "e", "f"};

  /** 300 rows of 6 columns from two factors, noise of standard deviation 0.001, column a × 10⁴. */
  static double[][] rows() {
    SplittableRandom random = new SplittableRandom(7);
    double[][] w = new double[NAMES.length][Q];
    for (double[] row : w) {
      row[0] = random.nextGaussian();
      row[1] = random.nextGaussian();
    }
    double[][] x = new double[300][NAMES.length];
    for (double[] row : x) {
      double h0 = random.nextGaussian();
      double h1 = random.nextGaussian();
      for (int i = 0; i < NAMES.length; i++) {
        row[i] = (w[i][0] * h0 + w[i][1] * h1 + 0.001 * random.nextGaussian() + i) * (i == 0 ? 1e4 : 1);
      }
    }
    return x;
  }

  static Compiled compiled(boolean spherical) throws Exception {
    String text = Files.readString(Path.of("examples/factor.model"));
    if (spherical) {
      text = text.replace("param Psi : positive[D];", "param Psi : positive;");
    }
    return Fits.model(text, Map.of()).bind(Fits.table(rows(), NAMES), BindOptions.defaults()).compile();
  }

  /** Σ_n log p(x_n) by the generated E-step at the given parameters. */
  static double logLikelihood(Compiled c, Map<String, double[]> params) {
    double[][] x = rows();
    EmModel m = c.model(params);
    double[] data = Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
    double[] out = new double[x.length];
    m.logDensities(data, 0, x.length, out);
    return Arrays.stream(out).sum();
  }

  @Test
  void atProbabilisticPcasMaximumTheLogLikelihoodIsTheClosedFormAndTheDensity() throws Exception {
    Ppca ppca = Ppca.of(rows());
    double emc = logLikelihood(compiled(true), ppca.params());
    assertEquals(ppca.logLikelihood, emc, 1e-9 * Math.abs(ppca.logLikelihood), "closed form");
    assertEquals(Direct.logLikelihood(rows(), ppca.params()), emc, 1e-9 * Math.abs(emc), "direct");
  }

  @Test
  void probabilisticPcaStartsAtItsMaximum() throws Exception {
    FitResult r = compiled(true).fit(FitOptions.defaults().withReg(0).withMaxIter(0));
    double closed = Ppca.of(rows()).logLikelihood;
    assertEquals(closed, r.trace().get(0), 1e-9 * Math.abs(closed));
  }

  @Test
  void fitsFromEmcsStartsNeverLowerTheObjective() throws Exception {
    // The fit fails loudly if an iteration lowers the objective; at probabilistic PCA's maximum
    // every iteration stays there.
    double closed = Ppca.of(rows()).logLikelihood;
    FitOptions o = FitOptions.defaults().withReg(0).withTol(0).withMaxIter(100);
    for (double ll : compiled(true).fit(o).trace()) {
      assertEquals(closed, ll, 1e-9 * Math.abs(closed));
    }
    compiled(true).fit(o.withInit(FitOptions.Init.RANDOM));
    compiled(false).fit(o);
    compiled(false).fit(o.withInit(FitOptions.Init.RANDOM));
  }

  @Test
  void aFactorAnalysisFitsLogLikelihoodIsTheDensity() throws Exception {
    FitResult r = compiled(false).fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(100));
    double direct = Direct.logLikelihood(rows(), r.params());
    assertEquals(direct, r.logLikelihood(), 1e-9 * Math.abs(direct));
  }

  @Test
  void aRowsPosteriorMeanIsBayesRuleAtThisScale() throws Exception {
    // m = Wᵀ(WWᵀ + Ψ)⁻¹(x − μ), the Gaussian's conditional mean, against the statistic S_h of one row.
    Map<String, double[]> params = Ppca.of(rows()).params();
    EmModel m = compiled(true).model(params);
    double[] stats = new double[m.statisticsLength()];
    double[] row = rows()[11];
    m.accumulate(row, 0, 1, stats);
    double[] e = row.clone();
    for (int i = 0; i < e.length; i++) {
      e[i] -= params.get("mu")[i];
    }
    double[] solved = Direct.cholesky(params).getSolver().solve(new org.apache.commons.math3.linear.ArrayRealVector(e))
        .toArray();
    int sh = EmModel.COUNT + 1 + 2 * NAMES.length;
    for (int a = 0; a < Q; a++) {
      double mean = 0;
      for (int i = 0; i < e.length; i++) {
        mean += params.get("W")[i * Q + a] * solved[i];
      }
      // As accurate as I + WᵀΨ⁻¹W's condition, 10⁷ here, allows: 1.4·10⁻⁹ (exact rationals give the
      // reference to 10⁻¹⁵).
      assertEquals(mean, stats[sh + a], 1e-8 * (1 + Math.abs(mean)), "m[" + a + "]");
    }
  }

  /** Probabilistic PCA's maximum from the covariance's eigenvalues λ and eigenvectors U. */
  record Ppca(double[] w, double[] mu, double sigma2, double logLikelihood) {
    static Ppca of(double[][] x) {
      int n = x.length;
      int d = x[0].length;
      double[] mean = new double[d];
      for (double[] row : x) {
        for (int i = 0; i < d; i++) {
          mean[i] += row[i] / n;
        }
      }
      double[][] s = new double[d][d];
      for (double[] row : x) {
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            s[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / n;
          }
        }
      }
      EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(s));
      Integer[] order = new Integer[d];
      Arrays.setAll(order, i -> i);
      double[] lambda = eigen.getRealEigenvalues();
      Arrays.sort(order, (a, b) -> Double.compare(lambda[b], lambda[a]));
      double sigma2 = 0;
      double logLeading = 0;
      for (int a = 0; a < d; a++) {
        if (a < Q) {
          logLeading += Math.log(lambda[order[a]]);
        } else {
          sigma2 += lambda[order[a]] / (d - Q);
        }
      }
      // Tipping & Bishop's W = U_Q (Λ_Q − σ²I)^½
      double[] w = new double[d * Q];
      for (int a = 0; a < Q; a++) {
        double[] u = eigen.getEigenvector(order[a]).toArray();
        for (int i = 0; i < d; i++) {
          w[i * Q + a] = u[i] * Math.sqrt(lambda[order[a]] - sigma2);
        }
      }
      double ll = -n / 2.0 * (d * Math.log(2 * Math.PI) + logLeading + (d - Q) * Math.log(sigma2) + d);
      return new Ppca(w, mean, sigma2, ll);
    }

    /**
     * With W turned by half a radian: the maximum still (W R for any rotation R is), but I + WᵀΨ⁻¹W
     * is no longer diagonal, and its two eigenvalues are 10⁷ apart.
     */
    Map<String, double[]> params() {
      double c = Math.cos(0.5);
      double s = Math.sin(0.5);
      double[] turned = new double[w.length];
      for (int i = 0; i < w.length / Q; i++) {
        turned[i * Q] = c * w[i * Q] - s * w[i * Q + 1];
        turned[i * Q + 1] = s * w[i * Q] + c * w[i * Q + 1];
      }
      return Map.of("W", turned, "mu", mu, "Psi", new double[] {sigma2});
    }
  }

  /** The density written out: log N(x | μ, WWᵀ + Ψ) with the D×D covariance's Cholesky factor L. */
  static final class Direct {
    static CholeskyDecomposition cholesky(Map<String, double[]> p) {
      double[] w = p.get("W");
      double[] psi = p.get("Psi");
      int d = p.get("mu").length;
      RealMatrix cov = new Array2DRowRealMatrix(d, d);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double s = 0;
          for (int a = 0; a < Q; a++) {
            s += w[i * Q + a] * w[j * Q + a];
          }
          cov.setEntry(i, j, i == j ? s + psi[psi.length == 1 ? 0 : i] : s);
        }
      }
      return new CholeskyDecomposition(cov, 0, 0);
    }

    /** Σ_n −½ (D log 2π + log|Σ| + ‖L⁻¹(x_n − μ)‖²). */
    static double logLikelihood(double[][] x, Map<String, double[]> p) {
      RealMatrix l = cholesky(p).getL();
      int d = l.getRowDimension();
      double logDet = 0;
      for (int i = 0; i < d; i++) {
        logDet += 2 * Math.log(l.getEntry(i, i));
      }
      double ll = 0;
      double[] y = new double[d];
      for (double[] row : x) {
        double quad = 0;
        for (int i = 0; i < d; i++) {
          double s = row[i] - p.get("mu")[i];
          for (int k = 0; k < i; k++) {
            s -= l.getEntry(i, k) * y[k];
          }
          y[i] = s / l.getEntry(i, i);
          quad += y[i] * y[i];
        }
        ll += -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
      }
      return ll;
    }
  }
}
