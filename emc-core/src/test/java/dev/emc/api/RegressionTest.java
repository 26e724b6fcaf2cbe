package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

/**
 * Mixtures of regressions, {@code y ~ Normal(dot(beta[z], u), s2[z])}: the M-step is weighted
 * least squares. Expected numbers: R flexmix with the maximum-likelihood variance
 * (regression_flexmix.R beside its JSON), and weighted least squares solved by Commons Math's QR
 * decomposition of the √r-scaled design.
 */
class RegressionTest {
  private static final Path DATA = Path.of("examples/data/regression.csv");

  private static Compiled compiled() throws Exception {
    Model model = Fits.model(Files.readString(Path.of("examples/regression.model")), Map.of());
    return model.bind(Table.read(DATA), BindOptions.defaults()).compile();
  }

  @Test
  void theFitIsFlexmixsMaximumLikelihoodFit() throws Exception {
    JsonNode flexmix = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/regression_flexmix.json").toFile());
    FitResult r = compiled().fit(FitOptions.defaults().withReg(0).withTol(1e-14).withRestarts(5));
    double expected = flexmix.get("logLik").asDouble();
    assertEquals(expected, r.logLikelihood(), 1e-9 * Math.abs(expected));
    // Components in flexmix's order: by slope.
    double[] beta = r.params().get("beta");
    int first = beta[1] < beta[3] ? 0 : 1;
    int[] order = {first, 1 - first};
    double[] phi = new double[2];
    double[] coefficients = new double[4];
    double[] s2 = new double[2];
    for (int j = 0; j < 2; j++) {
      phi[j] = r.params().get("phi")[order[j]];
      coefficients[2 * j] = beta[2 * order[j]];
      coefficients[2 * j + 1] = beta[2 * order[j] + 1];
      s2[j] = r.params().get("s2")[order[j]];
    }
    assertClose(ReferenceFitTest.flat(flexmix.get("phi")), phi, 1e-6, "phi");
    assertClose(ReferenceFitTest.flat(flexmix.get("beta")), coefficients, 1e-6, "beta");
    assertClose(ReferenceFitTest.flat(flexmix.get("s2")), s2, 1e-6, "s2");
    assertEquals(2 * 2 + 2 + 1, r.model().freeParameters()); // β 2×2, σ² 2, φ 1
    Fits.assertMonotone(r.trace());
  }

  /**
   * With one variance for all components (the pooled update), the fit is a maximum of the
   * log-likelihood, computed directly: nudging any coefficient or the variance either way lowers it.
   */
  @Test
  void aTiedVarianceFitIsAMaximumOfTheLikelihood() throws Exception {
    String text = "K = 2;\ndata y : real;\ncovariate u : vector[P];\nz ~ Categorical(phi);\n"
        + "y ~ Normal(dot(beta[z], u), s2);\n";
    Model model = Fits.model(text, Map.of());
    Compiled compiled = model.bind(Table.read(DATA), BindOptions.defaults()).compile();
    FitResult r = compiled.fit(FitOptions.defaults().withReg(0).withTol(1e-14).withRestarts(3));
    double[][] rows = Fits.rows(DATA);
    double best = logLikelihood(r.params(), rows);
    assertEquals(r.logLikelihood(), best, 1e-9 * Math.abs(best));
    for (String name : new String[] {"beta", "s2"}) {
      for (int i = 0; i < r.params().get(name).length; i++) {
        for (double h : new double[] {-1e-4, 1e-4}) {
          Map<String, double[]> nudged = new java.util.HashMap<>(r.params());
          double[] v = nudged.get(name).clone();
          v[i] += h * Math.max(1, Math.abs(v[i]));
          nudged.put(name, v);
          assertTrue(logLikelihood(nudged, rows) < best, name + "[" + i + "] nudged by " + h);
        }
      }
    }
  }

  /** Σ_n log Σ_k φ_k 𝒩(y_n | β_kᵀu_n, σ²_k), written out. */
  private static double logLikelihood(Map<String, double[]> p, double[][] rows) {
    double[] phi = p.get("phi");
    double[] beta = p.get("beta");
    double[] s2 = p.get("s2");
    double total = 0;
    for (double[] row : rows) {
      double density = 0;
      for (int k = 0; k < phi.length; k++) {
        double variance = s2[s2.length == 1 ? 0 : k];
        double e = row[0] - beta[2 * k] * row[1] - beta[2 * k + 1] * row[2];
        density += phi[k] * Math.exp(-0.5 * e * e / variance) / Math.sqrt(2 * Math.PI * variance);
      }
      total += Math.log(density);
    }
    return total;
  }

  /** One M-step from given responsibilities is, per component, weighted least squares. */
  @Test
  void theMStepIsWeightedLeastSquares() throws Exception {
    DataMatrix rows = DataMatrix.of(Fits.rows(DATA), java.util.List.of("y", "one", "t"));
    EmModel m = compiled().newModel();
    int n = rows.rows();
    double[] resp = Fits.randomResponsibilities(n, 2, 11);
    // Start far from the answer: the centred statistics must not depend on where they start.
    System.arraycopy(new double[] {3, -1, -7, 0.5}, 0, m.param("beta"), 0, 4);
    System.arraycopy(new double[] {2, 5}, 0, m.param("s2"), 0, 2);
    m.prepare();
    double[] stats = new double[m.statisticsLength()];
    m.accumulateGiven(rows.values(), 0, n, resp, stats);
    m.maximize(stats);
    for (int k = 0; k < 2; k++) {
      double[][] design = new double[n][2];
      double[] response = new double[n];
      double weight = 0;
      for (int i = 0; i < n; i++) {
        double w = Math.sqrt(resp[i * 2 + k]);
        design[i][0] = w * rows.values()[i * 3 + 1];
        design[i][1] = w * rows.values()[i * 3 + 2];
        response[i] = w * rows.values()[i * 3];
        weight += resp[i * 2 + k];
      }
      QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(design, false));
      RealVector b = qr.getSolver().solve(new ArrayRealVector(response, false));
      RealVector residual = new ArrayRealVector(response).subtract(
          new Array2DRowRealMatrix(design, false).operate(b));
      assertClose(b.toArray(), java.util.Arrays.copyOfRange(m.param("beta"), 2 * k, 2 * k + 2), 1e-10,
          "beta[" + k + "]");
      assertClose(new double[] {residual.dotProduct(residual) / weight}, new double[] {m.param("s2")[k]},
          1e-10, "s2[" + k + "]");
    }
  }
}
