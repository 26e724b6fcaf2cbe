package dev.emc.cli;

import static dev.emc.cli.CliTest.emc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Factor analysis from the command line. {@code emc predict}: each row's factor scores and
 * log-density, and the posterior covariance once, against scikit-learn's FactorAnalysis.transform formula written with
 * Commons Math (cov_z = (I + WᵀΨ⁻¹W)⁻¹, scores = (x − μ) Ψ⁻¹W cov_z) and the density of N(μ, WWᵀ + Ψ).
 */
class FactorCliTest {
  private static final String WINE = "examples/data/wine.csv";

  @Test
  void predictWritesEachRowsFactorScoresAndTheirCovarianceOnce(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("fit.json");
    Path scores = dir.resolve("scores.csv");
    Path covariance = dir.resolve("cov.csv");
    assertEquals(0, emc("fit", "examples/factor.model", "--data", WINE, "--out", fit.toString(), "-q").code());
    Run r = emc("predict", "examples/factor.model", "--params", fit.toString(), "--data", WINE, "-o",
        scores.toString(), "--covariance", covariance.toString());
    assertEquals(0, r.code(), r.err());

    JsonNode params = new ObjectMapper().readTree(fit.toFile()).get("params");
    RealMatrix w = new Array2DRowRealMatrix(new ObjectMapper().treeToValue(params.get("W"), double[][].class));
    RealVector mu = new ArrayRealVector(new ObjectMapper().treeToValue(params.get("mu"), double[].class));
    double[] psi = new ObjectMapper().treeToValue(params.get("Psi"), double[].class);
    RealMatrix wPsi = MatrixUtils.createRealDiagonalMatrix(Arrays.stream(psi).map(v -> 1 / v).toArray()).multiply(w);
    RealMatrix covZ = new LUDecomposition(MatrixUtils.createRealIdentityMatrix(2).add(w.transpose().multiply(wPsi)))
        .getSolver().getInverse();
    MultivariateNormalDistribution marginal = new MultivariateNormalDistribution(mu.toArray(),
        w.multiply(w.transpose()).add(MatrixUtils.createRealDiagonalMatrix(psi)).getData());

    List<String> lines = Files.readAllLines(scores);
    assertEquals("h1,h2,logDensity", lines.get(0));
    List<String> rows = Files.readAllLines(Path.of(WINE));
    assertEquals(rows.size(), lines.size());
    for (int n = 1; n < lines.size(); n++) {
      double[] x = Arrays.stream(rows.get(n).split(",")).mapToDouble(Double::parseDouble).toArray();
      double[] cells = Arrays.stream(lines.get(n).split(",")).mapToDouble(Double::parseDouble).toArray();
      RealVector expected = covZ.preMultiply(wPsi.preMultiply(new ArrayRealVector(x).subtract(mu)));
      for (int a = 0; a < 2; a++) {
        assertEquals(expected.getEntry(a), cells[a], 1e-9 * (1 + Math.abs(expected.getEntry(a))), "row " + n);
      }
      // Commons Math inverts the D×D covariance, whose variances run from 0.01 to 10⁵.
      assertEquals(Math.log(marginal.density(x)), cells[2], 1e-7, "row " + n);
    }

    List<String> cov = Files.readAllLines(covariance);
    assertEquals(3, cov.size());
    assertEquals("h1,h2", cov.get(0));
    for (int a = 0; a < 2; a++) {
      double[] row = Arrays.stream(cov.get(a + 1).split(",")).mapToDouble(Double::parseDouble).toArray();
      for (int c = 0; c < 2; c++) {
        assertEquals(covZ.getEntry(a, c), row[c], 1e-12, "cov[" + a + "][" + c + "]");
      }
    }
  }

  @Test
  void covarianceIsForFactorAnalysisOnly(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("fit.json");
    assertEquals(0, emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--out", fit.toString(),
        "-q").code());
    Run r = emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", "examples/data/faithful.csv",
        "--covariance", dir.resolve("cov.csv").toString());
    assertEquals(2, r.code());
    assertEquals("emc: error: --covariance is for factor analysis, whose latent is a vector; model gmm has none"
        + " (see emc predict --help)", r.err().strip());
  }

  @Test
  void emptyCellsAreRefusedAtTheirLine(@TempDir Path dir) throws Exception {
    // Integrating them out would need the factors' posterior for each pattern of empty cells.
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of(WINE)));
    lines.set(3, lines.get(3).substring(lines.get(3).indexOf(',')));
    Path gap = dir.resolve("gap.csv");
    Files.write(gap, lines);
    String expected = gap + ":4: error: row 3: the cell in column alcohol is empty, and empty cells are integrated"
        + " out only in mixtures, not yet in a model whose latent is a vector of factors (fill the cell, or drop"
        + " the row)";
    Run fit = emc("fit", "examples/factor.model", "--data", gap.toString(), "--missing", "marginalize");
    assertEquals(2, fit.code());
    assertEquals(expected, fit.err().strip());
    Path params = dir.resolve("fit.json");
    assertEquals(0, emc("fit", "examples/factor.model", "--data", WINE, "--out", params.toString(), "-q").code());
    Run predict = emc("predict", "examples/factor.model", "--params", params.toString(), "--data", gap.toString(),
        "--missing", "marginalize");
    assertEquals(2, predict.code());
    assertEquals(expected, predict.err().strip());
  }
}
