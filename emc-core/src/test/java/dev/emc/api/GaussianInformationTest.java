package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Information;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed-form observed information of a plain Gaussian mixture with full covariances
 * ({@code runtime.fit.GaussianInformation}, taken where the generated scores are not written):
 * against the generated scores' Louis identity at the sizes both are written for, where the two
 * sum the same terms in another order and must agree to rounding (1e-10 of sqrt(C_ii C_jj)), for
 * covariances per component and shared, with weighted and labelled rows; and at D = 8, where only
 * the closed form is, against the inverse of a finite-difference Hessian of the observed
 * log-likelihood written here (InformationTest's {@code check}).
 */
class GaussianInformationTest {
  private static final String FULL = "model gmm; K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);";
  private static final String TIED = "model gmm_tied; K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma);";
  private static final String THREE = "model gmm3; K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);";

  @Test
  void agreesWithTheGeneratedScoresPerComponent() throws Exception {
    for (int d : new int[] {2, 3, 5}) {
      agree("full D = " + d, FULL, simulated(d, 2, 160, d), BindOptions.defaults());
    }
  }

  @Test
  void agreesWithTheGeneratedScoresShared() throws Exception {
    for (int d : new int[] {2, 3, 5}) {
      agree("tied D = " + d, TIED, simulated(d, 2, 160, 10 + d), BindOptions.defaults());
    }
  }

  /** Three components, and rows that are weighted or labelled (a labelled row's r is one-hot). */
  @Test
  void agreesWithWeightedAndLabelledRows(@TempDir Path dir) throws Exception {
    Table table = simulated(3, 3, 150, 21);
    StringBuilder csv = new StringBuilder(String.join(",", table.header()) + ",w,label\n");
    SplittableRandom random = new SplittableRandom(5);
    for (int n = 0; n < table.rows(); n++) {
      for (int a = 0; a < 3; a++) {
        csv.append(table.values()[n * 3 + a]).append(',');
      }
      // Every sixth row labelled with the component it was drawn from (its first column tells).
      int z = (int) Math.round(table.values()[n * 3] / 4);
      csv.append(0.5 + 2 * random.nextDouble()).append(',').append(n % 6 == 0 ? String.valueOf(z + 1) : "")
          .append('\n');
    }
    Path file = dir.resolve("weighted.csv");
    Files.writeString(file, csv);
    agree("weighted, labelled", THREE, Table.read(file), BindOptions.defaults().withWeights("w").withLabels("label"));
  }

  /**
   * A component that no row belongs to (its mean moved far off): both name the same coordinates as
   * singular, and leave the same numbers without a standard error.
   */
  @Test
  void anEmptyComponentIsNamedAlike() throws Exception {
    Information closed = agree("empty component", FULL, simulated(3, 1, 120, 4), BindOptions.defaults(), p -> {
      p.put("phi", new double[] {0.99, 0.01});
      p.put("mu", new double[] {0, 0, 0, 1e3, 1e3, 1e3});
      return p;
    });
    assertTrue(closed.warnings().stream().anyMatch(w -> w.contains("singular at mu[2][1]")),
        closed.warnings().toString());
    assertTrue(Double.isNaN(closed.standardErrors().get("Sigma")[9]));
    assertTrue(closed.standardErrors().get("mu")[0] > 0);
  }

  /**
   * At D = 8 the generated code has no scores (the Hessian is past what it holds): the closed form
   * is what {@code --se} takes, against finite differences of the log-likelihood.
   */
  @Test
  void eightDimensionsAgainstFiniteDifferences() throws Exception {
    int d = 8;
    Table table = simulated(d, 2, 400, 8);
    Bound bound = Fits.model(FULL, Map.of()).bind(table, BindOptions.defaults());
    assertNull(bound.scoresUnavailable());
    EmModel model = bound.compile().newModel();
    assertEquals(0, model.scoreLength(), "no generated scores at D = 8");
    assertNotNull(model.normalMixture());
    InformationTest.checkLikelihood("full D = 8", FULL, table, (p, data) -> logLikelihood(p, data, d));
  }

  /** Past E = 4000 free numbers the information is not taken, and the refusal says what instead. */
  @Test
  void tooManyFreeNumbersAreRefusedByName() throws Exception {
    int d = 62;
    double[][] rows = new double[4][d];
    String[] names = new String[d];
    for (int a = 0; a < d; a++) {
      names[a] = "x" + (a + 1);
      for (double[] row : rows) {
        row[a] = a + row.hashCode() % 7;
      }
    }
    String why = Fits.model(FULL, Map.of()).bind(Fits.table(rows, names), BindOptions.defaults()).scoresUnavailable();
    assertNotNull(why);
    // K − 1 + K D + K D(D + 1)/2 = 1 + 124 + 3906.
    assertTrue(why.contains("E = 4031") && why.contains("--bootstrap"), why);
  }

  /**
   * Fits the model, then takes its information by the generated scores ({@link Information#of})
   * and in closed form ({@link Information#closedForm}) at the same parameters.
   */
  static void agree(String name, String text, Table table, BindOptions options) throws Exception {
    agree(name, text, table, options, p -> p);
  }

  /** The same at {@code at} of the fit's parameters; returns the closed form's. */
  static Information agree(String name, String text, Table table, BindOptions options,
      UnaryOperator<Map<String, double[]>> at) throws Exception {
    Bound bound = Fits.model(text, Map.of()).bind(table, options);
    assertNull(bound.scoresUnavailable());
    Compiled compiled = bound.compile();
    assertTrue(compiled.newModel().scoreLength() > 0, name + ": generated scores");
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    Map<String, double[]> point = new LinkedHashMap<>();
    fit.params().forEach((k, v) -> point.put(k, v.clone()));
    Map<String, double[]> params = at.apply(point);
    DataMatrix data = bound.data().orElseThrow();
    Information symbolic = Information.of(compiled.newModel(), params, data);
    Information closed = Information.closedForm(compiled.newModel(), params, data);
    assertEquals(symbolic.names(), closed.names(), name);
    assertEquals(symbolic.free(), closed.free(), name);
    assertEquals(symbolic.warnings(), closed.warnings(), name);
    double[][] a = symbolic.covariance();
    double[][] b = closed.covariance();
    double worst = 0;
    for (int g = 0; g < a.length; g++) {
      for (int h = 0; h < a.length; h++) {
        assertEquals(Double.isNaN(a[g][h]), Double.isNaN(b[g][h]), name + " " + symbolic.names().get(g));
        if (!Double.isNaN(a[g][h])) {
          worst = Math.max(worst, Math.abs(a[g][h] - b[g][h]) / Math.sqrt(a[g][g] * a[h][h]));
        }
      }
    }
    System.out.printf("%s: %d free coordinates, largest difference %.2e of sqrt(C_ii C_jj)%n", name,
        symbolic.free(), worst);
    assertTrue(worst < 1e-10, name + ": the closed form and the generated scores differ by " + worst);
    return closed;
  }

  /**
   * K clusters of D columns, component z centred at 4z with a covariance L Lᵀ, L lower triangular
   * with 1 on its diagonal and 0.3 (or −0.2 for odd z) below it.
   */
  private static Table simulated(int d, int k, int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] values = new double[rows * d];
    List<String> header = new ArrayList<>();
    for (int a = 0; a < d; a++) {
      header.add("x" + (a + 1));
    }
    for (int n = 0; n < rows; n++) {
      int z = n % k;
      double[] eps = new double[d];
      for (int a = 0; a < d; a++) {
        eps[a] = random.nextGaussian();
      }
      for (int a = 0; a < d; a++) {
        double v = eps[a];
        for (int b = 0; b < a; b++) {
          v += (z % 2 == 0 ? 0.3 : -0.2) * eps[b];
        }
        values[n * d + a] = 4 * z + v;
      }
    }
    int[] lines = new int[rows];
    for (int n = 0; n < rows; n++) {
      lines[n] = n + 2;
    }
    return new Table("simulated", header, values, rows, lines);
  }

  /**
   * Σ_n log Σ_k φ_k N(x_n; μ_k, Σ_k), the normal density written out: log N = −½ (D log 2π +
   * log|Σ| + (x − μ)ᵀ Σ⁻¹ (x − μ)).
   */
  private static double logLikelihood(Map<String, double[]> p, DataMatrix data, int d) {
    return mixtureLogLikelihood(p, data, d, (c, logDet, quad) ->
        Math.log(p.get("phi")[c]) - 0.5 * (d * Math.log(2 * Math.PI) + logDet + quad));
  }

  /** log φ_k p(x | z = k) from Σ_k's log-determinant and the row's δ = (x − μ_k)ᵀ Σ_k⁻¹ (x − μ_k). */
  interface ComponentDensity {
    double of(int k, double logDet, double delta);
  }

  /**
   * Σ_n log Σ_k exp(density_k), for densities of the row through δ only, with each Σ_k's
   * log-determinant and δ by Commons Math's Cholesky factor.
   */
  static double mixtureLogLikelihood(Map<String, double[]> p, DataMatrix data, int d, ComponentDensity density) {
    int k = p.get("phi").length;
    DecompositionSolver[] solvers = new DecompositionSolver[k];
    double[] logDet = new double[k];
    for (int c = 0; c < k; c++) {
      RealMatrix sigma = MatrixUtils.createRealMatrix(d, d);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          sigma.setEntry(i, j, p.get("Sigma")[c * d * d + i * d + j]);
        }
      }
      CholeskyDecomposition chol = new CholeskyDecomposition(sigma, 1e-12, 1e-14);
      solvers[c] = chol.getSolver();
      logDet[c] = Math.log(chol.getDeterminant());
    }
    double ll = 0;
    double[] lp = new double[k];
    for (int n = 0; n < data.rows(); n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        RealVector e = MatrixUtils.createRealVector(new double[d]);
        for (int i = 0; i < d; i++) {
          e.setEntry(i, data.values()[n * data.columns() + i] - p.get("mu")[c * d + i]);
        }
        lp[c] = density.of(c, logDet[c], e.dotProduct(solvers[c].solve(e)));
        max = Math.max(max, lp[c]);
      }
      double s = 0;
      for (double v : lp) {
        s += Math.exp(v - max);
      }
      ll += max + Math.log(s);
    }
    return ll;
  }
}
