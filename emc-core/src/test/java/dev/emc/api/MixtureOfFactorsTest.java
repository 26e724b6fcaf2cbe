package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

/**
 * Mixtures of factor analysers (examples/mfa.model) against EM written here as Ghahramani &amp;
 * Hinton (1996) give it: each component's D×D covariance W_kW_kᵀ + Ψ_k inverted directly, raw
 * moments, W_k and μ_k solved together as one augmented matrix; and with one component, against
 * emc's own factor analysis. Both runs start from the same given parameters, so W is compared as
 * it is: the same start gives the same rotation.
 */
class MixtureOfFactorsTest {
  private static final Path MFA = Path.of("examples/data/mfa.csv");
  private static final Path WINE = Path.of("examples/data/wine.csv");

  private static Compiled compiled(String text, Path data) throws Exception {
    return Fits.model(text, Map.of()).bind(Table.read(data), BindOptions.defaults()).compile();
  }

  private static String mfa(boolean sharedNoise) throws Exception {
    return mfa(sharedNoise, false);
  }

  /** examples/mfa.model with one noise for all components, or one variance for every column, or both. */
  private static String mfa(boolean sharedNoise, boolean spherical) throws Exception {
    String text = Files.readString(Path.of("examples/mfa.model"));
    String declared = "param Psi" + (sharedNoise ? "" : "[z]") + " : positive" + (spherical ? "" : "[D]") + ";";
    text = text.replace("param Psi[z] : positive[D];", declared);
    return sharedNoise ? text.replace("Psi[z]);", "Psi);") : text;
  }

  @Test
  void eachIterationIsGhahramaniAndHintonsEm() throws Exception {
    assertStepsAreTheReferences(compiled(mfa(false), MFA), Reference.start(rows(MFA), 2, 2, false, false), 30);
  }

  @Test
  void aSharedNoiseIsPooledOverTheComponents() throws Exception {
    assertStepsAreTheReferences(compiled(mfa(true), MFA), Reference.start(rows(MFA), 2, 2, true, false), 30);
  }

  /** One variance for every column: a mixture of probabilistic PCAs (Tipping &amp; Bishop 1999), Ψ_k = σ_k²I. */
  @Test
  void oneVariancePerComponentIsTheMeanOfItsColumns() throws Exception {
    assertStepsAreTheReferences(compiled(mfa(false, true), MFA), Reference.start(rows(MFA), 2, 2, false, true), 30);
    assertStepsAreTheReferences(compiled(mfa(true, true), MFA), Reference.start(rows(MFA), 2, 2, true, true), 30);
  }

  /** {@code iterations} of emc's EM from ref's parameters against ref's own. */
  private static void assertStepsAreTheReferences(Compiled c, Reference ref, int iterations) throws Exception {
    FitResult r = c.fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(iterations).withStart(ref.params()));
    for (int i = 0; i <= iterations; i++) {
      double ll = ref.logLikelihood();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
      if (i < iterations) {
        ref.step();
      }
    }
    for (String p : List.of("phi", "W", "mu", "Psi")) {
      assertClose(ref.params().get(p), r.params().get(p), 1e-10, p);
    }
  }

  /**
   * One component is factor analysis: examples/factor.model and the mixture with K = 1, from the
   * same start on the wine data, agree in every iteration's log-likelihood and in the parameters.
   */
  @Test
  void oneComponentIsFactorAnalysis() throws Exception {
    String one = mfa(false).replace("K = 2;", "K = 1;");
    Reference start = Reference.start(rows(WINE), 1, 2, false, false);
    Map<String, double[]> given = start.params();
    FitOptions o = FitOptions.defaults().withReg(0).withTol(0).withMaxIter(50);
    FitResult mixture = compiled(one, WINE).fit(o.withStart(given));
    Map<String, double[]> fa = new HashMap<>(given);
    fa.remove("phi");
    FitResult factor = compiled(Files.readString(Path.of("examples/factor.model")), WINE).fit(o.withStart(fa));
    for (int i = 0; i < factor.trace().size(); i++) {
      assertEquals(factor.trace().get(i), mixture.trace().get(i), 1e-12 * Math.abs(factor.trace().get(i)),
          "log-likelihood " + i);
    }
    for (String p : List.of("W", "mu", "Psi")) {
      assertClose(factor.params().get(p), mixture.params().get(p), 1e-12, p);
    }
    assertEquals(1.0, mixture.params().get("phi")[0]);
    // φ has no free number with one component; the rest are factor analysis's.
    assertEquals(factor.model().freeParameters(), mixture.model().freeParameters());
  }

  @Test
  void theFitRecoversTheGeneratingMixture() throws Exception {
    FitResult r = compiled(mfa(false), MFA).fit(FitOptions.defaults().withTol(1e-9));
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1) - 1e-9 * Math.abs(r.trace().get(i)), "iteration " + i);
    }
    // The weights examples/data/mfa.py drew from, 0.4 and 0.6 (its 500 rows: 203 and 297).
    double[] phi = r.params().get("phi").clone();
    Arrays.sort(phi);
    assertEquals(0.4, phi[0], 0.03);
    // Free numbers: φ 1; per component W 6·2 − 1 (rotations), μ 6, Ψ 6.
    assertEquals(1 + 2 * (11 + 6 + 6), r.model().freeParameters());
    Reference at = Reference.of(rows(MFA), r.params(), 2, 2, false);
    assertEquals(at.logLikelihood(), r.logLikelihood(), 1e-10 * Math.abs(r.logLikelihood()));
  }

  private static double[][] rows(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().skip(1)
        .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  /** EM for a mixture of factor analysers as Ghahramani &amp; Hinton write it, with Commons Math. */
  private static final class Reference {
    final double[][] x;
    final int k;
    final int q;
    final int d;
    final boolean shared;
    /** Ψ_k = σ_k²I: one variance for every column, the mean of the columns' update. */
    final boolean spherical;
    double[] phi;
    RealMatrix[] w;
    RealVector[] mu;
    /** Each component's Ψ_k diagonal; with a shared noise, the same array in every one. */
    double[][] psi;

    private Reference(double[][] x, int k, int q, boolean shared, boolean spherical) {
      this.x = x;
      this.k = k;
      this.q = q;
      this.d = x[0].length;
      this.shared = shared;
      this.spherical = spherical;
      this.phi = new double[k];
      this.w = new RealMatrix[k];
      this.mu = new RealVector[k];
      this.psi = new double[k][];
    }

    /**
     * A deterministic start that is not a fixed point: component j's mean is the mean of the rows
     * whose first column is on its side of the first column's mean (one component: all rows), W_j
     * from the columns' deviations as cosines and sines, Ψ half of each column's variance.
     */
    static Reference start(double[][] x, int k, int q, boolean shared, boolean spherical) {
      Reference r = new Reference(x, k, q, shared, spherical);
      int d = x[0].length;
      double[] mean = new double[d];
      double[] var = new double[d];
      for (double[] row : x) {
        for (int i = 0; i < d; i++) {
          mean[i] += row[i] / x.length;
        }
      }
      for (double[] row : x) {
        for (int i = 0; i < d; i++) {
          var[i] += (row[i] - mean[i]) * (row[i] - mean[i]) / x.length;
        }
      }
      for (int j = 0; j < k; j++) {
        RealVector m = new ArrayRealVector(d);
        int count = 0;
        for (double[] row : x) {
          if (k == 1 || (row[0] > mean[0]) == (j == 0)) {
            m = m.add(new ArrayRealVector(row));
            count++;
          }
        }
        r.mu[j] = m.mapDivide(count);
        r.w[j] = new Array2DRowRealMatrix(d, q);
        for (int i = 0; i < d; i++) {
          double sd = Math.sqrt(var[i]);
          r.w[j].setEntry(i, 0, 0.5 * sd * Math.cos(i + j));
          r.w[j].setEntry(i, 1, 0.5 * sd * Math.sin(2 * i + 1 + j));
        }
        r.phi[j] = 1.0 / k;
      }
      double[] half = r.form(Arrays.stream(var).map(v -> 0.5 * v).toArray());
      for (int j = 0; j < k; j++) {
        r.psi[j] = shared ? half : half.clone();
      }
      return r;
    }

    /** A noise diagonal in the model's form: for one variance, every column at their mean. */
    double[] form(double[] diagonal) {
      if (!spherical) {
        return diagonal;
      }
      double[] same = new double[diagonal.length];
      Arrays.fill(same, Arrays.stream(diagonal).average().orElseThrow());
      return same;
    }

    static Reference of(double[][] x, Map<String, double[]> p, int k, int q, boolean shared) {
      Reference r = new Reference(x, k, q, shared, false);
      int d = x[0].length;
      r.phi = p.get("phi").clone();
      for (int j = 0; j < k; j++) {
        r.w[j] = new Array2DRowRealMatrix(d, q);
        for (int i = 0; i < d; i++) {
          for (int a = 0; a < q; a++) {
            r.w[j].setEntry(i, a, p.get("W")[j * d * q + i * q + a]);
          }
        }
        r.mu[j] = new ArrayRealVector(Arrays.copyOfRange(p.get("mu"), j * d, (j + 1) * d));
        r.psi[j] = shared ? p.get("Psi").clone() : Arrays.copyOfRange(p.get("Psi"), j * d, (j + 1) * d);
      }
      return r;
    }

    Map<String, double[]> params() {
      double[] flatW = new double[k * d * q];
      double[] flatMu = new double[k * d];
      int noise = spherical ? 1 : d;
      double[] flatPsi = new double[shared ? noise : k * noise];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i < d; i++) {
          for (int a = 0; a < q; a++) {
            flatW[j * d * q + i * q + a] = w[j].getEntry(i, a);
          }
          flatMu[j * d + i] = mu[j].getEntry(i);
          if ((!shared || j == 0) && i < noise) {
            flatPsi[(shared ? 0 : j * noise) + i] = psi[j][i];
          }
        }
      }
      return Map.of("phi", phi.clone(), "W", flatW, "mu", flatMu, "Psi", flatPsi);
    }

    private RealMatrix covariance(int j) {
      return w[j].multiply(w[j].transpose()).add(MatrixUtils.createRealDiagonalMatrix(psi[j]));
    }

    /** log N(x; μ_j, C_j) from C_j's inverse and determinant, by LU. */
    private static double logNormal(double[] row, RealVector mu, RealMatrix inverse, double logDet) {
      RealVector e = new ArrayRealVector(row).subtract(mu);
      return -0.5 * (row.length * Math.log(2 * Math.PI) + logDet + e.dotProduct(inverse.operate(e)));
    }

    /** Each row's log φ_j + log N(x_n; μ_j, C_j). */
    private double[][] logJoint() {
      double[][] lp = new double[x.length][k];
      for (int j = 0; j < k; j++) {
        LUDecomposition lu = new LUDecomposition(covariance(j));
        RealMatrix inverse = lu.getSolver().getInverse();
        double logDet = Math.log(lu.getDeterminant());
        for (int n = 0; n < x.length; n++) {
          lp[n][j] = Math.log(phi[j]) + logNormal(x[n], mu[j], inverse, logDet);
        }
      }
      return lp;
    }

    private static double logSum(double[] lp) {
      double max = Arrays.stream(lp).max().orElseThrow();
      return max + Math.log(Arrays.stream(lp).map(v -> Math.exp(v - max)).sum());
    }

    double logLikelihood() {
      double ll = 0;
      for (double[] lp : logJoint()) {
        ll += logSum(lp);
      }
      return ll;
    }

    /**
     * One EM step. E-step: r_nj by Bayes' rule; β_j = W_jᵀC_j⁻¹, E[h | x, j] = β_j(x − μ_j),
     * E[hhᵀ | x, j] = I − β_jW_j + E[h]E[h]ᵀ. M-step, with h̃ = (h, 1): [W_j μ_j] =
     * (Σ r x E[h̃]ᵀ)(Σ r E[h̃h̃ᵀ])⁻¹, Ψ_j = diag(Σ r x xᵀ − [W_j μ_j] Σ r E[h̃] xᵀ) / N_j (shared:
     * the sum over j, over N), φ_j = N_j / N.
     */
    void step() {
      double[][] lp = logJoint();
      double[][] r = new double[x.length][k];
      for (int n = 0; n < x.length; n++) {
        double total = logSum(lp[n]);
        for (int j = 0; j < k; j++) {
          r[n][j] = Math.exp(lp[n][j] - total);
        }
      }
      double[] pooled = new double[d];
      RealMatrix[] newW = new RealMatrix[k];
      RealVector[] newMu = new RealVector[k];
      double[][] newPsi = new double[k][];
      for (int j = 0; j < k; j++) {
        RealMatrix beta = w[j].transpose().multiply(new LUDecomposition(covariance(j)).getSolver().getInverse());
        RealMatrix g = MatrixUtils.createRealIdentityMatrix(q).subtract(beta.multiply(w[j]));
        RealMatrix xh = new Array2DRowRealMatrix(d, q + 1);
        RealMatrix hh = new Array2DRowRealMatrix(q + 1, q + 1);
        double[] xx = new double[d];
        double nj = 0;
        for (int n = 0; n < x.length; n++) {
          double rn = r[n][j];
          nj += rn;
          RealVector xv = new ArrayRealVector(x[n]);
          RealVector m = beta.operate(xv.subtract(mu[j]));
          RealVector aug = m.append(1.0);
          RealMatrix second = new Array2DRowRealMatrix(q + 1, q + 1);
          second.setSubMatrix(g.add(m.outerProduct(m)).getData(), 0, 0);
          for (int a = 0; a < q; a++) {
            second.setEntry(a, q, m.getEntry(a));
            second.setEntry(q, a, m.getEntry(a));
          }
          second.setEntry(q, q, 1.0);
          hh = hh.add(second.scalarMultiply(rn));
          xh = xh.add(xv.outerProduct(aug).scalarMultiply(rn));
          for (int i = 0; i < d; i++) {
            xx[i] += rn * x[n][i] * x[n][i];
          }
        }
        RealMatrix coefficients = xh.multiply(new LUDecomposition(hh).getSolver().getInverse());
        double[] squares = new double[d];
        for (int i = 0; i < d; i++) {
          squares[i] = xx[i] - coefficients.getRowVector(i).dotProduct(xh.getRowVector(i));
          pooled[i] += squares[i];
        }
        final double count = nj;
        newPsi[j] = form(Arrays.stream(squares).map(v -> v / count).toArray());
        newW[j] = coefficients.getSubMatrix(0, d - 1, 0, q - 1);
        newMu[j] = coefficients.getColumnVector(q);
        phi[j] = nj / x.length;
      }
      double[] pooledPsi = form(Arrays.stream(pooled).map(v -> v / x.length).toArray());
      for (int j = 0; j < k; j++) {
        w[j] = newW[j];
        mu[j] = newMu[j];
        psi[j] = shared ? pooledPsi : newPsi[j];
      }
    }
  }
}
