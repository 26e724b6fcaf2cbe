package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * The analytic standard errors of t mixtures (examples/t-mixture.model on its data), whose scale w
 * is integrated out given the component, against the inverse of a finite-difference Hessian of the
 * observed log-likelihood Σ_n log Σ_k φ_k t_ν(x_n; μ_k, Σ_k), the t density written here by its
 * closed form, not as emc's scale mixture (InformationTest's {@code check}): ν per component, ν
 * shared by the components, ν a number; diagonal, tied and spherical scale matrices; and full
 * ones at D = 4 and diagonal ones at D = 8, the largest the generated code writes out (full ones
 * past it have their information in closed form: TInformationTest).
 */
class TMixtureInformationTest {
  private static final Path DATA = Path.of("examples/data/t-mixture.csv");
  private static final String PER_COMPONENT = "w ~ Gamma(nu[z] / 2, nu[z] / 2);";
  private static final String TIED = "w ~ Gamma(nu / 2, nu / 2);";
  private static final int D = 2;

  private static String model() throws Exception {
    return Files.readString(Path.of("examples/t-mixture.model"));
  }

  /** The degrees of freedom of component k: ν_k, one ν for all, or the model's number. */
  private interface Nu {
    double of(Map<String, double[]> params, int k);
  }

  /** Component k's 2 × 2 scale matrix, row by row, from the parameters as the model stores them. */
  private interface Spread {
    double[] of(Map<String, double[]> params, int k);
  }

  private static final Spread FULL = (p, k) -> Arrays.copyOfRange(p.get("Sigma"), k * D * D, (k + 1) * D * D);

  @Test
  void nuPerComponent() throws Exception {
    check("t mixture, nu per component", model(), (p, k) -> p.get("nu")[k], FULL);
  }

  @Test
  void nuTiedAcrossComponents() throws Exception {
    check("t mixture, nu tied", model().replace(PER_COMPONENT, TIED), (p, k) -> p.get("nu")[0], FULL);
  }

  @Test
  void nuFixed() throws Exception {
    String text = model().replace(PER_COMPONENT, TIED).replace("K = 2;", "K = 2;\nnu = 5;");
    check("t mixture, nu = 5", text, (p, k) -> 5, FULL);
  }

  /** Σ_k diagonal, its variances a positive vector per component. */
  @Test
  void diagonalScaleMatrices() throws Exception {
    String text = model().replace("K = 2;", "K = 2;\nparam Sigma[z] : positive[D];");
    check("t mixture, diagonal", text, (p, k) -> p.get("nu")[k],
        (p, k) -> new double[] {p.get("Sigma")[k * D], 0, 0, p.get("Sigma")[k * D + 1]});
  }

  /** One Σ shared by the components: its inverse is the same for both, their δ each its own. */
  @Test
  void tiedScaleMatrix() throws Exception {
    String text = model().replace("Sigma[z] / w", "Sigma / w");
    check("t mixture, Sigma tied", text, (p, k) -> p.get("nu")[k], (p, k) -> p.get("Sigma").clone());
  }

  /** A spherical spread σ²_k I: δ = Σ_d (x_d − μ_kd)² / σ²_k. */
  @Test
  void sphericalScale() throws Exception {
    String text = model().replace("K = 2;", "K = 2;\nparam s2[z] : positive;").replace("Sigma[z] / w", "s2[z] / w");
    check("t mixture, spherical", text, (p, k) -> p.get("nu")[k],
        (p, k) -> new double[] {p.get("s2")[k], 0, 0, p.get("s2")[k]});
  }

  /**
   * Full 4 × 4 scale matrices, the largest whose Hessian the generated code writes out, on 400 rows
   * drawn here (seed 7) from two t components with ν = 4; the test's t density takes Σ⁻¹ and |Σ|
   * from Commons Math's Cholesky decomposition.
   */
  @Test
  void fullScaleMatricesAtFourDimensions() throws Exception {
    int d = 4;
    Table table = simulated(d, 400, 7);
    InformationTest.check("t mixture, D = 4", model(), table, (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double[][] s = new double[d][d];
        double[] e = new double[d];
        for (int a = 0; a < d; a++) {
          e[a] = x[a] - p.get("mu")[k * d + a];
          for (int b = 0; b < d; b++) {
            s[a][b] = p.get("Sigma")[k * d * d + a * d + b];
          }
        }
        var chol = new CholeskyDecomposition(new Array2DRowRealMatrix(s), 1e-12, 1e-14);
        double[] solved = chol.getSolver().solve(new ArrayRealVector(e)).toArray();
        double delta = 0;
        for (int a = 0; a < d; a++) {
          delta += e[a] * solved[a];
        }
        double nu = p.get("nu")[k];
        lp[k] = Math.log(phi[k]) + Gamma.logGamma((nu + d) / 2) - Gamma.logGamma(nu / 2)
            - d / 2.0 * Math.log(nu * Math.PI) - 0.5 * Math.log(chol.getDeterminant())
            - (nu + d) / 2 * Math.log1p(delta / nu);
      }
      return lp;
    });
  }

  /**
   * Diagonal scale matrices at D = 8, the largest whose Hessian the generated code writes out (δ
   * one leaf, not D terms in every derivative), on 300 rows drawn here (seed 11).
   */
  @Test
  void diagonalScaleMatricesAtEightDimensions() throws Exception {
    int d = 8;
    String text = model().replace("K = 2;", "K = 2;\nparam Sigma[z] : positive[D];");
    InformationTest.check("t mixture, diagonal, D = 8", text, simulated(d, 300, 11), (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double delta = 0;
        double logDet = 0;
        for (int a = 0; a < d; a++) {
          double e = x[a] - p.get("mu")[k * d + a];
          double s2 = p.get("Sigma")[k * d + a];
          delta += e * e / s2;
          logDet += Math.log(s2);
        }
        double nu = p.get("nu")[k];
        lp[k] = Math.log(phi[k]) + Gamma.logGamma((nu + d) / 2) - Gamma.logGamma(nu / 2)
            - d / 2.0 * Math.log(nu * Math.PI) - 0.5 * logDet - (nu + d) / 2 * Math.log1p(delta / nu);
      }
      return lp;
    });
  }

  /**
   * Past D = 4 a full scale matrix's information is taken in closed form (TInformationTest); a
   * diagonal one's past D = 8 has none: the refusal says so, and --se names the bootstrap.
   */
  @Test
  void diagonalScalesAtNineDimensionsAreRefusedAtTheirSize() throws Exception {
    assertNull(Fits.model(model(), Map.of()).bind(simulated(5, 20, 7), BindOptions.defaults()).scoresUnavailable());
    String text = model().replace("K = 2;", "K = 2;\nparam Sigma[z] : positive[D];");
    Bound bound = Fits.model(text, Map.of()).bind(simulated(9, 20, 7), BindOptions.defaults());
    String why = bound.scoresUnavailable();
    assertNotNull(why);
    assertTrue(why.contains("not available for this model at these sizes"), why);
    assertTrue(why.contains("--bootstrap"), why);
  }

  /**
   * Rows of a two-component t mixture in {@code d} dimensions: z = 1 or 2 with probabilities 0.4,
   * 0.6; w ~ Gamma(2, rate 2) (ν = 4); x = μ_z + L_z ε / √w with ε standard normal, μ_1 = 0, μ_2 = 4
   * in each coordinate, L_z lower triangular with ones on the diagonal and 0.3 (z = 1) or −0.2
   * (z = 2) below it.
   */
  static Table simulated(int d, int rows, long seed) {
    var random = new Well19937c(seed);
    var gamma = new GammaDistribution(random, 2, 0.5);
    double[] values = new double[rows * d];
    List<String> header = new ArrayList<>();
    for (int a = 0; a < d; a++) {
      header.add("x" + (a + 1));
    }
    for (int n = 0; n < rows; n++) {
      int z = random.nextDouble() < 0.4 ? 0 : 1;
      double scale = 1 / Math.sqrt(gamma.sample());
      double[] eps = new double[d];
      for (int a = 0; a < d; a++) {
        eps[a] = random.nextGaussian();
      }
      for (int a = 0; a < d; a++) {
        double v = eps[a];
        for (int b = 0; b < a; b++) {
          v += (z == 0 ? 0.3 : -0.2) * eps[b];
        }
        values[n * d + a] = 4 * z + scale * v;
      }
    }
    int[] lines = new int[rows];
    for (int n = 0; n < rows; n++) {
      lines[n] = n + 2;
    }
    return new Table("simulated", header, values, rows, lines);
  }

  private static void check(String name, String text, Nu nu, Spread spread) throws Exception {
    InformationTest.check(name, text, Table.read(DATA), (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]) + logT(x, p.get("mu")[k * D], p.get("mu")[k * D + 1], spread.of(p, k), nu.of(p, k));
      }
      return lp;
    });
  }

  /**
   * log t_ν(x; μ, Σ) = log Γ((ν + D)/2) − log Γ(ν/2) − (D/2) log(νπ) − ½ log|Σ| − ((ν + D)/2) log(1 +
   * δ/ν), δ = (x − μ)ᵀ Σ⁻¹ (x − μ), for D = 2 with Σ⁻¹ = [s3 −s1; −s2 s0] / |Σ| written out.
   */
  private static double logT(double[] x, double m0, double m1, double[] s, double nu) {
    double det = s[0] * s[3] - s[1] * s[2];
    double a = x[0] - m0;
    double b = x[1] - m1;
    double delta = (a * a * s[3] - a * b * (s[1] + s[2]) + b * b * s[0]) / det;
    return Gamma.logGamma((nu + D) / 2) - Gamma.logGamma(nu / 2) - D / 2.0 * Math.log(nu * Math.PI)
        - 0.5 * Math.log(det) - (nu + D) / 2 * Math.log1p(delta / nu);
  }
}
