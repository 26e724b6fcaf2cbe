package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

/**
 * Factor analysis on the wine data (examples/factor.model), against three things computed another
 * way: EM written here in the textbook's form (Ghahramani &amp; Hinton 1996: the D×D covariance
 * inverted directly, raw moments, W and μ solved together as one augmented matrix), scikit-learn's
 * FactorAnalysis maximum, and probabilistic PCA's closed-form maximum (Tipping &amp; Bishop 1999).
 */
class FactorAnalysisTest {
  private static final Path WINE = Path.of("examples/data/wine.csv");

  private static Compiled compiled(Path model) throws Exception {
    return Fits.model(Files.readString(model), Map.of()).bind(Table.read(WINE), BindOptions.defaults()).compile();
  }

  private static Compiled ppca() throws Exception {
    String text = Files.readString(Path.of("examples/factor.model"))
        .replace("param Psi : positive[D];", "param Psi : positive;");
    return Fits.model(text, Map.of()).bind(Table.read(WINE), BindOptions.defaults()).compile();
  }

  @Test
  void eachIterationIsTheTextbooksEm() throws Exception {
    double[][] x = rows();
    assertStepsAreTheReferences(compiled(Path.of("examples/factor.model")), Reference.start(x, 2), 30);
  }

  /** {@code iterations} of emc's EM from ref's parameters against ref's own; its log-likelihoods. */
  private static List<Double> assertStepsAreTheReferences(Compiled c, Reference ref, int iterations) throws Exception {
    FitResult r = c.fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(iterations).withStart(ref.params()));
    List<Double> trace = new java.util.ArrayList<>();
    for (int i = 0; i <= iterations; i++) {
      double ll = ref.logLikelihood();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
      trace.add(ll);
      if (i < iterations) {
        ref.step();
      }
    }
    for (String p : List.of("W", "mu", "Psi")) {
      assertClose(ref.params().get(p), r.params().get(p), 1e-8, p);
    }
    return trace;
  }

  @Test
  void theFitIsScikitLearnsMaximum() throws Exception {
    // scikit-learn 1.2.1: FactorAnalysis(n_components=2, tol=1e-12, max_iter=100000,
    // svd_method="lapack").fit(X).score(X) * 178 on examples/data/wine.csv.
    double sklearn = -3477.042558968112;
    FitResult r = compiled(Path.of("examples/factor.model")).fit(FitOptions.defaults().withReg(0).withTol(1e-13));
    assertTrue(r.converged());
    assertEquals(sklearn, r.logLikelihood(), 1e-8 * Math.abs(sklearn));
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1), "iteration " + i);
    }
    // The reported log-likelihood is the density of the rows under N(μ, WWᵀ + Ψ).
    Reference at = Reference.of(rows(), r.params(), 2);
    assertEquals(at.logLikelihood(), r.logLikelihood(), 1e-10 * Math.abs(r.logLikelihood()));
    EmModel m = r.model();
    assertEquals(13 * 2 - 1 + 13 + 13, m.freeParameters());
  }

  @Test
  void oneNoiseVarianceIsProbabilisticPcasClosedForm() throws Exception {
    double[][] x = rows();
    int n = x.length;
    int d = x[0].length;
    int q = 2;
    RealMatrix s = Reference.covariance(x);
    double[] lambda = new EigenDecomposition(s).getRealEigenvalues().clone();
    Arrays.sort(lambda);
    double sigma2 = 0;
    double logLeading = 0;
    for (int a = 0; a < d; a++) {
      if (a < d - q) {
        sigma2 += lambda[a] / (d - q);
      } else {
        logLeading += Math.log(lambda[a]);
      }
    }
    // Tipping & Bishop (1999), eq. 16 at their eqs. 7–8.
    double closed = -n / 2.0 * (d * Math.log(2 * Math.PI) + logLeading + (d - q) * Math.log(sigma2) + d);
    FitResult r = ppca().fit(FitOptions.defaults().withReg(0).withTol(1e-13));
    assertEquals(closed, r.logLikelihood(), 1e-10 * Math.abs(closed));
    assertEquals(sigma2, r.params().get("Psi")[0], 1e-8 * sigma2);
    // The principal components are the start, so EM has nothing to do: from another start each
    // step is the textbook's with Ψ = σ²I, σ² the mean of the diagonal update.
    Reference ref = Reference.start(x, q);
    ref.spherical = true;
    ref.psi = new double[] {Arrays.stream(ref.psi).average().orElseThrow()};
    for (double ll : assertStepsAreTheReferences(ppca(), ref, 30)) {
      assertTrue(ll <= closed + 1e-9 * Math.abs(closed));
    }
  }

  @Test
  void aRowsPosteriorIsBayesRule() throws Exception {
    // One row's statistics: m = E[h | x] and E[hhᵀ | x] from the joint Gaussian of (h, x).
    Compiled c = compiled(Path.of("examples/factor.model"));
    EmModel m = c.newModel();
    double[][] x = rows();
    Reference ref = Reference.start(x, 2);
    ref.params().forEach((name, v) -> System.arraycopy(v, 0, m.param(name), 0, v.length));
    assertNull(m.prepare());
    double[] stats = new double[m.statisticsLength()];
    m.accumulate(x[7], 0, 1, stats);
    RealMatrix w = ref.w;
    RealMatrix cov = w.multiply(w.transpose()).add(MatrixUtils.createRealDiagonalMatrix(ref.noise()));
    RealMatrix gain = w.transpose().multiply(new LUDecomposition(cov).getSolver().getInverse());
    RealVector e = new ArrayRealVector(x[7]).subtract(ref.mu);
    RealVector mean = gain.operate(e);
    RealMatrix second = MatrixUtils.createRealIdentityMatrix(2).subtract(gain.multiply(w))
        .add(mean.outerProduct(mean));
    int sh = EmModel.COUNT + 1 + 13 + 13;
    for (int a = 0; a < 2; a++) {
      assertEquals(mean.getEntry(a), stats[sh + a], 1e-12 * (1 + Math.abs(mean.getEntry(a))), "E[h]");
      for (int b = 0; b < 2; b++) {
        assertEquals(second.getEntry(a, b), stats[sh + 2 + a * 2 + b], 1e-12, "E[hhᵀ]");
      }
    }
    // Commons Math inverts the D×D covariance (its variances run from 0.01 to 10⁵): 1e-8 is its accuracy.
    assertEquals(Math.log(new MultivariateNormalDistribution(ref.mu.toArray(), cov.getData()).density(x[7])),
        stats[EmModel.LOGLIK], 1e-8);
  }

  private static double[][] rows() throws Exception {
    return Files.readAllLines(WINE).stream().skip(1)
        .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  /** EM for factor analysis as Ghahramani & Hinton write it, with Commons Math. */
  private static final class Reference {
    final double[][] x;
    final int q;
    RealMatrix w;
    RealVector mu;
    double[] psi;
    /** One noise variance for every column: probabilistic PCA. */
    boolean spherical;

    private Reference(double[][] x, int q) {
      this.x = x;
      this.q = q;
    }

    /** A deterministic start that is not a fixed point: W from two columns' deviations. */
    static Reference start(double[][] x, int q) {
      Reference r = new Reference(x, q);
      RealMatrix s = covariance(x);
      int d = x[0].length;
      r.mu = new ArrayRealVector(d);
      for (double[] row : x) {
        r.mu = r.mu.add(new ArrayRealVector(row).mapDivide(x.length));
      }
      r.w = new Array2DRowRealMatrix(d, q);
      r.psi = new double[d];
      for (int i = 0; i < d; i++) {
        double sd = Math.sqrt(s.getEntry(i, i));
        r.w.setEntry(i, 0, 0.5 * sd * Math.cos(i));
        r.w.setEntry(i, 1, 0.5 * sd * Math.sin(2 * i + 1));
        r.psi[i] = 0.5 * s.getEntry(i, i);
      }
      return r;
    }

    static Reference of(double[][] x, Map<String, double[]> p, int q) {
      Reference r = new Reference(x, q);
      int d = x[0].length;
      r.w = new Array2DRowRealMatrix(d, q);
      for (int i = 0; i < d; i++) {
        for (int a = 0; a < q; a++) {
          r.w.setEntry(i, a, p.get("W")[i * q + a]);
        }
      }
      r.mu = new ArrayRealVector(p.get("mu"));
      r.psi = p.get("Psi").clone();
      return r;
    }

    static RealMatrix covariance(double[][] x) {
      int d = x[0].length;
      double[] mean = new double[d];
      for (double[] row : x) {
        for (int i = 0; i < d; i++) {
          mean[i] += row[i] / x.length;
        }
      }
      RealMatrix s = new Array2DRowRealMatrix(d, d);
      for (double[] row : x) {
        RealVector e = new ArrayRealVector(row).subtract(new ArrayRealVector(mean));
        s = s.add(e.outerProduct(e).scalarMultiply(1.0 / x.length));
      }
      return s;
    }

    Map<String, double[]> params() {
      double[] flat = new double[w.getRowDimension() * q];
      for (int i = 0; i < w.getRowDimension(); i++) {
        for (int a = 0; a < q; a++) {
          flat[i * q + a] = w.getEntry(i, a);
        }
      }
      return Map.of("W", flat, "mu", mu.toArray(), "Psi", psi.clone());
    }

    /** Ψ's diagonal. */
    double[] noise() {
      double[] diagonal = psi.clone();
      if (spherical) {
        diagonal = new double[x[0].length];
        Arrays.fill(diagonal, psi[0]);
      }
      return diagonal;
    }

    double logLikelihood() {
      RealMatrix cov = w.multiply(w.transpose()).add(MatrixUtils.createRealDiagonalMatrix(noise()));
      MultivariateNormalDistribution f = new MultivariateNormalDistribution(mu.toArray(), cov.getData());
      double ll = 0;
      for (double[] row : x) {
        ll += Math.log(f.density(row));
      }
      return ll;
    }

    /**
     * One EM step: β = Wᵀ(WWᵀ + Ψ)⁻¹, E[h] = β(x − μ), E[hhᵀ] = I − βW + E[h]E[h]ᵀ; then, with
     * h̃ = (h, 1), [W μ] = (Σ x E[h̃]ᵀ)(Σ E[h̃h̃ᵀ])⁻¹ and Ψ = diag(Σ x xᵀ − [W μ] Σ E[h̃] xᵀ) / N.
     */
    void step() {
      int d = w.getRowDimension();
      RealMatrix cov = w.multiply(w.transpose()).add(MatrixUtils.createRealDiagonalMatrix(noise()));
      RealMatrix beta = w.transpose().multiply(new LUDecomposition(cov).getSolver().getInverse());
      RealMatrix shared = MatrixUtils.createRealIdentityMatrix(q).subtract(beta.multiply(w));
      RealMatrix xh = new Array2DRowRealMatrix(d, q + 1);
      RealMatrix hh = new Array2DRowRealMatrix(q + 1, q + 1);
      double[] xx = new double[d];
      for (double[] row : x) {
        RealVector xv = new ArrayRealVector(row);
        RealVector m = beta.operate(xv.subtract(mu));
        RealVector aug = m.append(1.0);
        RealMatrix second = new Array2DRowRealMatrix(q + 1, q + 1);
        second.setSubMatrix(shared.add(m.outerProduct(m)).getData(), 0, 0);
        for (int a = 0; a < q; a++) {
          second.setEntry(a, q, m.getEntry(a));
          second.setEntry(q, a, m.getEntry(a));
        }
        second.setEntry(q, q, 1.0);
        hh = hh.add(second);
        xh = xh.add(xv.outerProduct(aug));
        for (int i = 0; i < d; i++) {
          xx[i] += row[i] * row[i];
        }
      }
      RealMatrix coefficients = xh.multiply(new LUDecomposition(hh).getSolver().getInverse());
      int n = x.length;
      double[] diagonal = new double[d];
      for (int i = 0; i < d; i++) {
        diagonal[i] = (xx[i] - coefficients.getRowVector(i).dotProduct(xh.getRowVector(i))) / n;
      }
      psi = spherical ? new double[] {Arrays.stream(diagonal).average().orElseThrow()} : diagonal;
      w = coefficients.getSubMatrix(0, d - 1, 0, q - 1);
      mu = coefficients.getColumnVector(q);
    }
  }
}
