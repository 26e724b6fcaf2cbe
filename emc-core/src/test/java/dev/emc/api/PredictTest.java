package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** Prediction at fitted parameters: the E-step's posteriors and each row's log-density. */
class PredictTest {
  @Test
  void onTheTrainingRowsPredictionIsTheEStep() throws Exception {
    Model model = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of());
    Compiled compiled = model.bind(Table.read(Fits.FAITHFUL), BindOptions.defaults()).compile();
    FitResult fit = compiled.fit(FitOptions.defaults());
    DataMatrix rows = model.bind(Table.read(Fits.FAITHFUL), BindOptions.defaults()).data().orElseThrow();
    Prediction p = compiled.predict(fit.params(), rows);

    // The generated E-step at the same parameters.
    EmModel m = compiled.model(fit.params());
    double[] r = new double[rows.rows() * 2];
    double ll = m.responsibilities(rows.values(), 0, rows.rows(), r);
    Fits.assertClose(r, p.responsibilities(), 1e-14, "r");
    assertEquals(fit.logLikelihood(), p.logLikelihood(), 1e-9 * Math.abs(ll));
    assertEquals(ll, p.logLikelihood(), 1e-9 * Math.abs(ll));

    // Each row's log-density is the mixture's, written out with Commons Math.
    double[] phi = fit.params().get("phi");
    double[] mu = fit.params().get("mu");
    double[] sigma = fit.params().get("Sigma");
    for (int n : new int[] {0, 1, 100, 271}) {
      double[] x = {rows.values()[2 * n], rows.values()[2 * n + 1]};
      double density = 0;
      double[] joint = new double[2];
      for (int k = 0; k < 2; k++) {
        double[][] s = {{sigma[4 * k], sigma[4 * k + 1]}, {sigma[4 * k + 2], sigma[4 * k + 3]}};
        joint[k] = phi[k] * new MultivariateNormalDistribution(new double[] {mu[2 * k], mu[2 * k + 1]}, s).density(x);
        density += joint[k];
      }
      assertEquals(Math.log(density), p.logDensities()[n], 1e-12, "row " + n);
      int most = joint[1] > joint[0] ? 1 : 0;
      assertEquals(most, p.component(n), "row " + n);
    }
  }

  /**
   * For a chain, row t's log-density is log p(x_t | x_1..t−1): against sums over every path of a
   * short sequence, p(x_1..t) = Σ_z π_z1 b_1(z_1) Π A_{z_{s−1} z_s} b_s(z_s).
   */
  @Test
  void aChainsRowDensitiesAreOneStepPredictionsOverEveryPath() throws Exception {
    Model model = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of());
    double[] x = {0.3, 2.9, 3.4, -0.2, 3.1};
    Table table = Fits.table(new double[][] {{x[0]}, {x[1]}, {x[2]}, {x[3]}, {x[4]}}, "x");
    Bound bound = model.bind(table, BindOptions.defaults());
    Map<String, double[]> params = Map.of("pi0", new double[] {0.6, 0.4}, "A", new double[] {0.9, 0.1, 0.25, 0.75},
        "mu", new double[] {0, 3}, "s2", new double[] {1, 0.5});
    Prediction p = bound.compile().predict(params, bound.data().orElseThrow());
    double before = 0;
    for (int t = 1; t <= x.length; t++) {
      double joint = Math.log(allPaths(x, t, params));
      assertEquals(joint - before, p.logDensities()[t - 1], 1e-12, "row " + t);
      before = joint;
    }
  }

  /** p(x_1..t), summed over all 2^t paths. */
  private static double allPaths(double[] x, int t, Map<String, double[]> params) {
    double[] pi = params.get("pi0");
    double[] a = params.get("A");
    double sum = 0;
    for (int path = 0; path < 1 << t; path++) {
      double prob = 1;
      int previous = -1;
      for (int s = 0; s < t; s++) {
        int z = (path >> s) & 1;
        prob *= previous < 0 ? pi[z] : a[previous * 2 + z];
        prob *= new NormalDistribution(params.get("mu")[z], Math.sqrt(params.get("s2")[z])).density(x[s]);
        previous = z;
      }
      sum += prob;
    }
    return sum;
  }

  @Test
  void parametersThatAreNotUsableAreRefused() throws Exception {
    Model model = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of());
    Compiled compiled = model.bind(Table.read(Fits.FAITHFUL), BindOptions.defaults()).compile();
    Map<String, double[]> params = Map.of("phi", new double[] {0.5, 0.5}, "mu", new double[4],
        "Sigma", new double[] {1, 2, 2, 1, 1, 0, 0, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compiled.model(params));
    assertEquals("Sigma[0] (component 1) is not positive definite, as a covariance must be", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> compiled.model(Map.of("phi", new double[] {1})));
  }
}
