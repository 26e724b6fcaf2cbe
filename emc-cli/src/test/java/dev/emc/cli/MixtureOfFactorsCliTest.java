package dev.emc.cli;

import static dev.emc.cli.CliTest.emc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A mixture of factor analysers from the command line (examples/mfa.model). {@code emc predict}:
 * each row's responsibilities by Bayes' rule over the components' densities N(μ_k, W_kW_kᵀ + Ψ_k),
 * its most likely component k and the factor scores given it, G_k W_kᵀΨ_k⁻¹(x − μ_k), all written
 * here with Commons Math; each component's G_k in the covariance file. {@code emc simulate}: z,
 * then h, then x.
 */
class MixtureOfFactorsCliTest {
  private static final String DATA = "examples/data/mfa.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void predictWritesResponsibilitiesAndTheLikelyComponentsScores(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("fit.json");
    Path scores = dir.resolve("scores.csv");
    Path covariance = dir.resolve("cov.csv");
    assertEquals(0, emc("fit", "examples/mfa.model", "--data", DATA, "--out", fit.toString(), "-q").code());
    Run r = emc("predict", "examples/mfa.model", "--params", fit.toString(), "--data", DATA, "-o",
        scores.toString(), "--covariance", covariance.toString());
    assertEquals(0, r.code(), r.err());

    JsonNode params = JSON.readTree(fit.toFile()).get("params");
    double[] phi = JSON.treeToValue(params.get("phi"), double[].class);
    double[][][] w = JSON.treeToValue(params.get("W"), double[][][].class);
    double[][] mu = JSON.treeToValue(params.get("mu"), double[][].class);
    double[][] psi = JSON.treeToValue(params.get("Psi"), double[][].class);
    int k = phi.length;
    RealMatrix[] gain = new RealMatrix[k];
    RealMatrix[] g = new RealMatrix[k];
    MultivariateNormalDistribution[] marginal = new MultivariateNormalDistribution[k];
    for (int j = 0; j < k; j++) {
      RealMatrix wj = new Array2DRowRealMatrix(w[j]);
      RealMatrix wPsi = MatrixUtils.createRealDiagonalMatrix(Arrays.stream(psi[j]).map(v -> 1 / v).toArray())
          .multiply(wj);
      g[j] = new LUDecomposition(MatrixUtils.createRealIdentityMatrix(2).add(wj.transpose().multiply(wPsi)))
          .getSolver().getInverse();
      gain[j] = g[j].multiply(wPsi.transpose());
      marginal[j] = new MultivariateNormalDistribution(mu[j],
          wj.multiply(wj.transpose()).add(MatrixUtils.createRealDiagonalMatrix(psi[j])).getData());
    }

    List<String> lines = Files.readAllLines(scores);
    assertEquals("r1,r2,component,uncertainty,h1,h2,logDensity", lines.get(0));
    List<String> rows = Files.readAllLines(Path.of(DATA));
    assertEquals(rows.size(), lines.size());
    for (int n = 1; n < lines.size(); n++) {
      double[] x = Arrays.stream(rows.get(n).split(",")).mapToDouble(Double::parseDouble).toArray();
      double[] cells = Arrays.stream(lines.get(n).split(",")).mapToDouble(Double::parseDouble).toArray();
      double[] joint = new double[k];
      double total = 0;
      int best = 0;
      for (int j = 0; j < k; j++) {
        joint[j] = phi[j] * marginal[j].density(x);
        total += joint[j];
        best = joint[j] > joint[best] ? j : best;
      }
      for (int j = 0; j < k; j++) {
        assertEquals(joint[j] / total, cells[j], 1e-9, "r of row " + n);
      }
      assertEquals(best + 1, (int) cells[k], "component of row " + n);
      assertEquals(1 - joint[best] / total, cells[k + 1], 1e-9, "uncertainty of row " + n);
      RealVector expected = gain[best].operate(new ArrayRealVector(x).subtract(new ArrayRealVector(mu[best])));
      for (int a = 0; a < 2; a++) {
        assertEquals(expected.getEntry(a), cells[k + 2 + a], 1e-9 * (1 + Math.abs(expected.getEntry(a))), "row " + n);
      }
      assertEquals(Math.log(total), cells[k + 4], 1e-9 * Math.abs(Math.log(total)), "row " + n);
    }

    List<String> cov = Files.readAllLines(covariance);
    assertEquals("component,h1,h2", cov.get(0));
    assertEquals(1 + k * 2, cov.size());
    for (int j = 0; j < k; j++) {
      for (int a = 0; a < 2; a++) {
        double[] row = Arrays.stream(cov.get(1 + j * 2 + a).split(",")).mapToDouble(Double::parseDouble).toArray();
        assertEquals(j + 1, (int) row[0]);
        for (int c = 0; c < 2; c++) {
          assertEquals(g[j].getEntry(a, c), row[1 + c], 1e-12, "G_" + (j + 1) + "[" + a + "][" + c + "]");
        }
      }
    }
  }

  @Test
  void simulateDrawsTheComponentThenTheFactorsThenTheRow(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("fit.json");
    Path rows = dir.resolve("rows.csv");
    Path latents = dir.resolve("latents.csv");
    assertEquals(0, emc("fit", "examples/mfa.model", "--data", DATA, "--out", fit.toString(), "-q").code());
    Run r = emc("simulate", "examples/mfa.model", "--params", fit.toString(), "-n", "2000", "--seed", "7", "-o",
        rows.toString(), "--latents", latents.toString());
    assertEquals(0, r.code(), r.err());
    List<String> drawn = Files.readAllLines(latents);
    assertEquals("z,h1,h2", drawn.get(0));
    assertEquals(2001, drawn.size());
    double[] phi = JSON.treeToValue(JSON.readTree(fit.toFile()).get("params").get("phi"), double[].class);
    long first = drawn.stream().skip(1).filter(l -> l.startsWith("1,")).count();
    // A binomial count of 2000 draws: within 4 standard deviations of 2000 φ_1.
    assertTrue(Math.abs(first - 2000 * phi[0]) < 4 * Math.sqrt(2000 * phi[0] * phi[1]), first + " of 2000");
    assertEquals(Files.readAllLines(Path.of(DATA)).get(0), Files.readAllLines(rows).get(0));
  }
}
