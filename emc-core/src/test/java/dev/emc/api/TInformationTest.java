package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed-form observed information of a t mixture with full scale matrices
 * ({@code runtime.fit.GaussianInformation}, taken where the generated scores are not written):
 * against the generated scores' Louis identity at the sizes both are written for (D ≤ 4), to 1e-10
 * of sqrt(C_ii C_jj) (GaussianInformationTest's {@code agree}), with ν per component, tied, a
 * number, Σ shared, and weighted and labelled rows; and at D = 6, where only the closed form is, against the inverse of a
 * finite-difference Hessian of the observed log-likelihood Σ_n log Σ_k φ_k t_ν(x_n; μ_k, Σ_k),
 * the t density written out here (InformationTest's {@code check}, 1e-4).
 */
class TInformationTest {
  private static final String PER_COMPONENT = "w ~ Gamma(nu[z] / 2, nu[z] / 2);";
  private static final String TIED = "w ~ Gamma(nu / 2, nu / 2);";

  private static String model() throws Exception {
    return Files.readString(Path.of("examples/t-mixture.model"));
  }

  @Test
  void agreesWithTheGeneratedScoresNuPerComponent() throws Exception {
    for (int d : new int[] {2, 3, 4}) {
      GaussianInformationTest.agree("t, nu per component, D = " + d, model(), TMixtureInformationTest.simulated(d,
          200, 30 + d), BindOptions.defaults());
    }
  }

  @Test
  void agreesWithTheGeneratedScoresNuTiedOrFixed() throws Exception {
    String tied = model().replace(PER_COMPONENT, TIED);
    GaussianInformationTest.agree("t, nu tied, D = 3", tied, TMixtureInformationTest.simulated(3, 200, 41),
        BindOptions.defaults());
    GaussianInformationTest.agree("t, nu = 5, D = 3", tied.replace("K = 2;", "K = 2;\nnu = 5;"),
        TMixtureInformationTest.simulated(3, 200, 42), BindOptions.defaults());
  }

  @Test
  void agreesWithTheGeneratedScoresSigmaShared() throws Exception {
    String shared = model().replace("Sigma[z] / w", "Sigma / w");
    GaussianInformationTest.agree("t, Sigma shared, D = 3", shared, TMixtureInformationTest.simulated(3, 200, 43),
        BindOptions.defaults());
    GaussianInformationTest.agree("t, Sigma shared, nu tied, D = 4", shared.replace(PER_COMPONENT, TIED),
        TMixtureInformationTest.simulated(4, 200, 44), BindOptions.defaults());
  }

  /** Rows that are weighted or labelled (a labelled row's r is one-hot), ν per component, D = 3. */
  @Test
  void agreesWithWeightedAndLabelledRows(@TempDir Path dir) throws Exception {
    Table table = TMixtureInformationTest.simulated(3, 200, 45);
    StringBuilder csv = new StringBuilder(String.join(",", table.header()) + ",w,label\n");
    SplittableRandom random = new SplittableRandom(5);
    for (int n = 0; n < table.rows(); n++) {
      for (int a = 0; a < 3; a++) {
        csv.append(table.values()[n * 3 + a]).append(',');
      }
      // Every sixth row labelled by the nearer of the two centres, 0 and 4 in every column.
      int z = table.values()[n * 3] + table.values()[n * 3 + 1] + table.values()[n * 3 + 2] > 6 ? 2 : 1;
      csv.append(0.5 + 2 * random.nextDouble()).append(',').append(n % 6 == 0 ? String.valueOf(z) : "")
          .append('\n');
    }
    Path file = dir.resolve("weighted.csv");
    Files.writeString(file, csv);
    GaussianInformationTest.agree("t, weighted, labelled", model(), Table.read(file),
        BindOptions.defaults().withWeights("w").withLabels("label"));
  }

  /** Past E = 4000 free numbers the information is not taken, and the refusal says what instead. */
  @Test
  void tooManyFreeNumbersAreRefusedByName() throws Exception {
    int d = 62;
    double[][] rows = new double[4][d];
    String[] names = new String[d];
    for (int a = 0; a < d; a++) {
      names[a] = "x" + (a + 1);
      for (int n = 0; n < rows.length; n++) {
        rows[n][a] = (a * 7 + n * 3) % 11;
      }
    }
    String why = Fits.model(model(), Map.of()).bind(Fits.table(rows, names), BindOptions.defaults())
        .scoresUnavailable();
    assertNotNull(why);
    // K − 1 + K (ν) + K D + K D(D + 1)/2 = 1 + 2 + 124 + 3906.
    assertTrue(why.contains("a t mixture of K = 2 and D = 62 has E = 4033") && why.contains("--bootstrap"), why);
  }

  /**
   * At D = 6 the generated code has no scores (their Hessian is past what it holds): the closed
   * form is what {@code --se} takes, against finite differences of the log-likelihood, on 300 rows
   * drawn with seed 6.
   */
  @Test
  void sixDimensionsAgainstFiniteDifferences() throws Exception {
    int d = 6;
    Table table = TMixtureInformationTest.simulated(d, 300, 6);
    Bound bound = Fits.model(model(), Map.of()).bind(table, BindOptions.defaults());
    assertNull(bound.scoresUnavailable());
    EmModel model = bound.compile().newModel();
    assertEquals(0, model.scoreLength(), "no generated scores at D = 6");
    assertNotNull(model.tMixture());
    InformationTest.checkLikelihood("t, full, D = 6", model(), table, (p, data) -> logLikelihood(p, data, d));
  }

  /**
   * Σ_n log Σ_k φ_k t_ν_k(x_n; μ_k, Σ_k), log t = log Γ((ν + D)/2) − log Γ(ν/2) − (D/2) log(νπ) −
   * ½ log|Σ| − ((ν + D)/2) log(1 + δ/ν), δ = (x − μ)ᵀ Σ⁻¹ (x − μ).
   */
  private static double logLikelihood(Map<String, double[]> p, DataMatrix data, int d) {
    return GaussianInformationTest.mixtureLogLikelihood(p, data, d, (c, logDet, delta) -> {
      double nu = p.get("nu")[c];
      return Math.log(p.get("phi")[c]) + Gamma.logGamma((nu + d) / 2) - Gamma.logGamma(nu / 2)
          - d / 2.0 * Math.log(nu * Math.PI) - 0.5 * logDet - (nu + d) / 2 * Math.log1p(delta / nu);
    });
  }
}
