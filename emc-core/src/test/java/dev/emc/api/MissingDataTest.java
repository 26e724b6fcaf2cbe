package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.MissingCells;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * Empty cells integrated out (`--missing marginalize`): emc's conditional-Gaussian E-step against
 * the same quantities computed here another way — the conditional moments from the precision
 * matrix Λ = Σ⁻¹ (C = Λ_mm⁻¹, x̂_m = μ_m − C Λ_mo (x_o − μ_o)) rather than emc's Schur complement,
 * the row densities from Commons Math's normal distributions of the observed cells — and a whole
 * EM written out with them, from the same start on Old Faithful with 48 of its 544 cells emptied.
 */
class MissingDataTest {
  private static final Path DATA = Path.of("examples/data/faithful-missing.csv");
  private static final String GMM = "K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);";

  private static Compiled compiled(String model, Path data) throws Exception {
    return Fits.model(model, Map.of()).bind(Table.read(data), BindOptions.defaults().withMarginalize(true)).compile();
  }

  @Test
  void oneRowsExpectedStatisticsAreTheConditionalGaussiansMoments() throws Exception {
    double[][] rows = {{0.3, -1.2, 2.0}, {1.0, 0.5, -0.7}, {2.2, 1.9, 0.4}, {-0.5, 0.1, 1.1}};
    Compiled c = Fits.model(GMM, Map.of()).bind(Fits.table(rows, "a", "b", "c"), BindOptions.defaults()).compile();
    EmModel m = c.newModel();
    double[] phi = {0.4, 0.6};
    double[][] mu = {{0.1, -0.3, 0.5}, {1.5, 0.8, -0.2}};
    double[][][] sigma = {
        {{1.0, 0.3, -0.2}, {0.3, 0.8, 0.25}, {-0.2, 0.25, 1.4}},
        {{0.6, -0.1, 0.15}, {-0.1, 1.3, 0.4}, {0.15, 0.4, 0.9}}};
    System.arraycopy(phi, 0, m.param("phi"), 0, 2);
    for (int k = 0; k < 2; k++) {
      System.arraycopy(mu[k], 0, m.param("mu"), k * 3, 3);
      for (int i = 0; i < 3; i++) {
        System.arraycopy(sigma[k][i], 0, m.param("Sigma"), k * 9 + i * 3, 3);
      }
    }
    assertEquals(null, m.prepare());
    for (double[] row : new double[][] {{0.7, Double.NaN, 1.3}, {Double.NaN, Double.NaN, -0.4},
        {Double.NaN, Double.NaN, Double.NaN}}) {
      DataMatrix one = DataMatrix.of(new double[][] {row}, List.of("a", "b", "c"));
      double[] stats = new double[m.statisticsLength()];
      MissingCells.of(m, one).accumulate(m, stats);
      Reference.Row expected = Reference.row(row, phi, mu, sigma);
      assertEquals(expected.logLikelihood, stats[EmModel.LOGLIK], 1e-12);
      assertEquals(1.0, stats[EmModel.WEIGHT], 1e-15, "the row weighs what its responsibilities add up to");
      for (int k = 0; k < 2; k++) {
        double r = expected.r[k];
        assertEquals(r, stats[EmModel.COUNT + k], 1e-12);
        // The statistics are centred at μ_k: S1 = r (x̂ − μ), S2 = r ((x̂ − μ)(x̂ − μ)ᵀ + C), lower triangle.
        int s1 = 2 + 2;
        int s2 = s1 + 2 * 3;
        for (int i = 0; i < 3; i++) {
          double d = expected.xhat[k][i] - mu[k][i];
          assertEquals(r * d, stats[s1 + k * 3 + i], 1e-12, "S1 " + k + i);
          for (int j = 0; j <= i; j++) {
            double second = d * (expected.xhat[k][j] - mu[k][j]) + expected.cov[k][i][j];
            assertEquals(r * second, stats[s2 + k * 9 + i * 3 + j], 1e-12, "S2 " + k + i + j);
          }
        }
      }
    }
  }

  @Test
  void eachIterationIsEmWithTheEmptyCellsIntegratedOut() throws Exception {
    Map<String, double[]> start = Map.of("phi", new double[] {0.5, 0.5}, "mu", new double[] {2, 55, 4.3, 80},
        "Sigma", new double[] {0.1, 0.3, 0.3, 30, 0.2, 0.5, 0.5, 40});
    int iterations = 25;
    FitResult r = compiled(GMM, DATA).fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(iterations)
        .withStart(start));
    Reference plain = new Reference(read(), start);
    for (int i = 0; i <= iterations; i++) {
      double ll = plain.step();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
    }
    for (String p : List.of("phi", "mu", "Sigma")) {
      assertClose(plain.before.get(p), r.params().get(p), 1e-9, p);
    }
  }

  @Test
  void aConvergedFitIsTheMaximumOfTheObservedCellsLikelihood() throws Exception {
    // EM creeps to the maximum when a fraction of the information is missing: run it to rounding.
    FitResult r = compiled(GMM, DATA).fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(1000));
    assertEquals(272, r.rows());
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1) - 1e-9 * Math.abs(r.trace().get(i)), "iteration " + i);
    }
    Reference at = new Reference(read(), r.params());
    assertEquals(at.step(), r.logLikelihood(), 1e-10 * Math.abs(r.logLikelihood()));
    // One more EM step written out moves nothing: a fixed point of EM is a stationary point.
    for (String p : List.of("phi", "mu", "Sigma")) {
      assertClose(r.params().get(p), at.next.get(p), 1e-9, p);
    }
    // With 48 cells of 544 gone the fit stays near the complete data's (mclust: −1130.264 on 544).
    FitResult full = Fits.faithful(GMM, Map.of(), FitOptions.defaults().withReg(0), Optional.empty());
    int low = r.params().get("mu")[0] < r.params().get("mu")[2] ? 0 : 1;
    int fullLow = full.params().get("mu")[0] < full.params().get("mu")[2] ? 0 : 1;
    assertEquals(full.params().get("phi")[fullLow], r.params().get("phi")[low], 0.02);
    assertEquals(full.params().get("mu")[fullLow * 2 + 1], r.params().get("mu")[low * 2 + 1], 0.5);
    // The posteriors of rows with empty cells are the E-step's.
    double[][] resp = r.responsibilities(Fits.model(GMM, Map.of())
        .bind(Table.read(DATA), BindOptions.defaults().withMarginalize(true)).data().orElseThrow());
    for (int n = 0; n < resp.length; n++) {
      assertClose(at.resp[n], resp[n], 1e-9, "row " + (n + 1));
    }
  }

  @Test
  void aDiagonalCovarianceIntegratesOutToo() throws Exception {
    String model = "K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], s2[z]); param s2[z] : positive[D];";
    FitResult r = compiled(model, DATA).fit(FitOptions.defaults().withReg(0).withTol(1e-12));
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1) - 1e-9 * Math.abs(r.trace().get(i)), "iteration " + i);
    }
    double[] s2 = r.params().get("s2");
    Map<String, double[]> asFull = Map.of("phi", r.params().get("phi"), "mu", r.params().get("mu"),
        "Sigma", new double[] {s2[0], 0, 0, s2[1], s2[2], 0, 0, s2[3]});
    assertEquals(new Reference(read(), asFull).step(), r.logLikelihood(), 1e-10 * Math.abs(r.logLikelihood()));
  }

  @Test
  void onlyNormalDataCanHaveEmptyCells() throws Exception {
    String poisson = "K = 2; z ~ Categorical(phi); y ~ Poisson(lambda[z]);";
    Table t = Fits.table(new double[][] {{1}, {3}, {Double.NaN}, {7}, {2}}, "y");
    DataException e = assertThrows(DataException.class, () -> Fits.model(poisson, Map.of())
        .bind(t, BindOptions.defaults().withMarginalize(true)).compile().fit(FitOptions.defaults()));
    assertTrue(e.getMessage().contains("row 3: the cell in column y is empty, and only cells of data with a normal"
        + " density"), e.getMessage());
  }

  private static List<double[]> read() throws Exception {
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(DATA).subList(1, 273)) {
      String[] cells = line.split(",", -1);
      rows.add(new double[] {cells[0].isEmpty() ? Double.NaN : Double.parseDouble(cells[0]),
          cells[1].isEmpty() ? Double.NaN : Double.parseDouble(cells[1])});
    }
    return rows;
  }

  /** EM for a full-covariance Gaussian mixture with empty cells, from the precision matrix. */
  private static final class Reference {
    final List<double[]> rows;
    final int k = 2;
    final int d = 2;
    double[] phi;
    double[][] mu;
    double[][][] sigma;
    Map<String, double[]> before;
    Map<String, double[]> next;
    double[][] resp;

    Reference(List<double[]> rows, Map<String, double[]> start) {
      this.rows = rows;
      phi = start.get("phi").clone();
      mu = new double[k][d];
      sigma = new double[k][d][d];
      for (int j = 0; j < k; j++) {
        for (int a = 0; a < d; a++) {
          mu[j][a] = start.get("mu")[j * d + a];
          for (int b = 0; b < d; b++) {
            sigma[j][a][b] = start.get("Sigma")[j * d * d + a * d + b];
          }
        }
      }
    }

    record Row(double logLikelihood, double[] r, double[][] xhat, double[][][] cov) {}

    /** The E-step of one row: posteriors, and each component's E[x] and Cov[x] given its cells. */
    static Row row(double[] x, double[] phi, double[][] mu, double[][][] sigma) {
      int k = phi.length;
      int d = x.length;
      List<Integer> o = new ArrayList<>();
      List<Integer> m = new ArrayList<>();
      for (int i = 0; i < d; i++) {
        (Double.isNaN(x[i]) ? m : o).add(i);
      }
      double[] joint = new double[k];
      double[][] xhat = new double[k][];
      double[][][] cov = new double[k][d][d];
      for (int j = 0; j < k; j++) {
        RealMatrix lambda = new LUDecomposition(MatrixUtils.createRealMatrix(sigma[j])).getSolver().getInverse();
        double density = 1;
        if (o.size() == 1) {
          density = new NormalDistribution(mu[j][o.get(0)], Math.sqrt(sigma[j][o.get(0)][o.get(0)]))
              .density(x[o.get(0)]);
        } else if (o.size() > 1) {
          density = new MultivariateNormalDistribution(pick(mu[j], o), pick(sigma[j], o, o)).density(pick(x, o));
        }
        joint[j] = phi[j] * density;
        xhat[j] = x.clone();
        if (!m.isEmpty()) {
          RealMatrix c = new LUDecomposition(MatrixUtils.createRealMatrix(pick(lambda.getData(), m, m)))
              .getSolver().getInverse();
          double[] e = new double[o.size()];
          for (int a = 0; a < o.size(); a++) {
            e[a] = x[o.get(a)] - mu[j][o.get(a)];
          }
          double[] shift = o.isEmpty() ? new double[m.size()]
              : c.operate(MatrixUtils.createRealMatrix(pick(lambda.getData(), m, o)).operate(e));
          for (int a = 0; a < m.size(); a++) {
            xhat[j][m.get(a)] = mu[j][m.get(a)] - shift[a];
            for (int b = 0; b < m.size(); b++) {
              cov[j][m.get(a)][m.get(b)] = c.getEntry(a, b);
            }
          }
        }
      }
      double total = 0;
      for (double v : joint) {
        total += v;
      }
      double[] r = new double[k];
      for (int j = 0; j < k; j++) {
        r[j] = joint[j] / total;
      }
      return new Row(Math.log(total), r, xhat, cov);
    }

    /** An E-step at the current parameters and the M-step after it; returns the log-likelihood. */
    double step() {
      before = params();
      double ll = 0;
      double[] n = new double[k];
      double[][] sx = new double[k][d];
      double[][][] sxx = new double[k][d][d];
      resp = new double[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        Row row = row(rows.get(i), phi, mu, sigma);
        ll += row.logLikelihood;
        resp[i] = row.r;
        for (int j = 0; j < k; j++) {
          n[j] += row.r[j];
          for (int a = 0; a < d; a++) {
            sx[j][a] += row.r[j] * row.xhat[j][a];
            for (int b = 0; b < d; b++) {
              sxx[j][a][b] += row.r[j] * (row.xhat[j][a] * row.xhat[j][b] + row.cov[j][a][b]);
            }
          }
        }
      }
      for (int j = 0; j < k; j++) {
        phi[j] = n[j] / rows.size();
        for (int a = 0; a < d; a++) {
          mu[j][a] = sx[j][a] / n[j];
        }
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) {
            sigma[j][a][b] = sxx[j][a][b] / n[j] - mu[j][a] * mu[j][b];
          }
        }
      }
      next = params();
      return ll;
    }

    Map<String, double[]> params() {
      double[] m = new double[k * d];
      double[] s = new double[k * d * d];
      for (int j = 0; j < k; j++) {
        for (int a = 0; a < d; a++) {
          m[j * d + a] = mu[j][a];
          for (int b = 0; b < d; b++) {
            s[j * d * d + a * d + b] = sigma[j][a][b];
          }
        }
      }
      return Map.of("phi", phi.clone(), "mu", m, "Sigma", s);
    }

    private static double[] pick(double[] v, List<Integer> idx) {
      return idx.stream().mapToDouble(i -> v[i]).toArray();
    }

    private static double[][] pick(double[][] a, List<Integer> rows, List<Integer> cols) {
      double[][] out = new double[rows.size()][cols.size()];
      for (int i = 0; i < rows.size(); i++) {
        for (int j = 0; j < cols.size(); j++) {
          out[i][j] = a[rows.get(i)][cols.get(j)];
        }
      }
      return out;
    }
  }
}
