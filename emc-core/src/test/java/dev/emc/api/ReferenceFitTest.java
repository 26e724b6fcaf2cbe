package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reference fits on Old Faithful. Where each expected number comes from:
 *
 * <ul>
 *   <li>−1130.26396: the maximum-likelihood two-component full-covariance fit, R mclust 6.0
 *       (model VVV), run to convergence (shared/data/README.md);
 *   <li>scikit-learn's GaussianMixture from the same start: faithful_sklearn.json, written by
 *       faithful_sklearn.py beside it;
 *   <li>the univariate, tied and three-component numbers: R mclust 6.0.0 with
 *       {@code emControl(tol = c(1e-14, 1e-14))} (models V, EEE and VVV).
 * </ul>
 */
class ReferenceFitTest {
  private static final Path REFERENCE = Path.of("emc-core/src/test/resources/reference");
  private static final String GMM = read(Path.of("examples/gmm.model"));

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theReferenceFitReachesThePublishedLogLikelihood() throws Exception {
    FitResult byDefault = Fits.faithful(GMM, Map.of(), FitOptions.defaults(), Optional.empty());
    assertEquals(-1130.2640, byDefault.logLikelihood(), 1e-3);
    assertTrue(byDefault.converged());
    FitResult tight = Fits.faithful(GMM, Map.of(), FitOptions.defaults().withTol(1e-14), Optional.empty());
    assertEquals(-1130.26396, tight.logLikelihood(), 1e-5);
    assertEquals(11, tight.model().freeParameters());
    // mclust's BIC, 2 log L − p ln N = −2322.192, is this with the sign turned.
    assertEquals(2322.192, tight.bic(), 1e-3);
  }

  @Test
  void fromScikitLearnsStartItsIteratesAndItsOptimumAgree() throws Exception {
    JsonNode sklearn = new ObjectMapper().readTree(REFERENCE.resolve("faithful_sklearn.json").toFile());
    Model model = Fits.model(GMM, Map.of());
    Compiled compiled = model.bind(Table.read(Fits.FAITHFUL), BindOptions.defaults()).compile();
    Map<String, double[]> start = FitJson.readParams(REFERENCE.resolve("faithful_start.json"), compiled.newModel());
    for (String run : List.of("threeIterations", "converged")) {
      JsonNode expected = sklearn.get(run);
      int iterations = expected.get("iterations").asInt();
      FitResult r = compiled.fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(iterations)
          .withStart(start));
      assertEquals(iterations, r.iterations());
      for (String p : List.of("phi", "mu", "Sigma")) {
        assertClose(flat(expected.get("params").get(p)), r.params().get(p), 1e-6, run + " " + p);
      }
      assertEquals(expected.get("logLikelihood").asDouble(), r.logLikelihood(), 1e-6 * 1130);
    }
  }

  @Test
  void setKThreeFitsThreeComponentsAtLeastAsWellAsMclust() throws Exception {
    FitResult r = Fits.faithful(GMM, Map.of("K", 3.0), FitOptions.defaults().withRestarts(5), Optional.empty());
    assertEquals(3, r.model().components());
    assertEquals(3, r.params().get("phi").length);
    assertTrue(r.logLikelihood() >= -1127.07166740 - 1e-6, "log-likelihood " + r.logLikelihood());
  }

  @Test
  void aUnivariateMixtureOnWaiting() throws Exception {
    String model = read(Path.of("examples/waiting.model"));
    FitResult r = Fits.faithful(model, Map.of(), FitOptions.defaults(), Optional.empty());
    assertEquals(-1034.0018, r.logLikelihood(), 1e-3);
    FitResult tight = Fits.faithful(model, Map.of(), FitOptions.defaults().withTol(1e-14).withReg(0),
        Optional.empty());
    assertEquals(-1034.00174983, tight.logLikelihood(), 1e-7);
    double[] mu = tight.params().get("mu").clone();
    java.util.Arrays.sort(mu);
    assertClose(new double[] {54.61486, 80.09107}, mu, 1e-6, "mu");
  }

  @Test
  void aScalarVariableTakesTheColumnsGivenByColumns() throws Exception {
    String model = "K = 2;\ndata x : real;\nz ~ Categorical(phi);\nx ~ Normal(mu[z], s2[z]);\n";
    FitResult r = Fits.faithful(model, Map.of(), FitOptions.defaults(), Optional.of(List.of("waiting")));
    assertEquals(-1034.0018, r.logLikelihood(), 1e-3);
  }

  /**
   * Each covariance form's log-likelihood, free parameters, BIC and ICL against mclust 6's model of
   * that form (G = 2, {@code emControl(tol = c(1e-12, …))}), in emc's sign: mclust's BIC and ICL
   * are the negatives.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource({
      "gmm, VVV, -1130.263960, 11, 2322.191743, 2322.704680",
      "gmm-diagonal, VVI, -1147.806353, 9, 2346.064924, 2346.160839",
      "gmm-spherical, VII, -1709.529282, 7, 3458.299179, 3460.876749",
      "gmm-tied, EEE, -1140.186759, 8, 2325.219935, 2326.709390"})
  void eachCovarianceFormsCriteriaMatchMclust(String file, String mclust, double ll, int p, double bic, double icl)
      throws Exception {
    Bound bound = Fits.model(read(Path.of("examples/" + file + ".model")), Map.of())
        .bind(Table.read(Fits.FAITHFUL), BindOptions.defaults());
    FitResult r = bound.compile().fit(FitOptions.defaults().withTol(1e-14).withReg(0).withRestarts(5));
    assertEquals(ll, r.logLikelihood(), 1e-5, mclust);
    assertEquals(p, r.model().freeParameters(), mclust);
    assertEquals(bic, r.bic(), 1e-5, mclust);
    assertEquals(icl, r.icl(bound.data().orElseThrow()), 1e-5, mclust);
  }

  /**
   * ICL from a sample of the fitted rows (what a fit on Spark keeps in the driver) is the sample's
   * entropy scaled up to every row: with each of faithful's rows twice, faithful itself is an even
   * sample, and its ICL is the one computed over all 544 rows.
   */
  @Test
  void iclFromAnEvenSampleIsScaledUpToEveryRow() throws Exception {
    Table faithful = Table.read(Fits.FAITHFUL);
    double[] twice = new double[2 * faithful.values().length];
    int c = faithful.columns();
    for (int r = 0; r < faithful.rows(); r++) {
      System.arraycopy(faithful.values(), r * c, twice, 2 * r * c, c);
      System.arraycopy(faithful.values(), r * c, twice, (2 * r + 1) * c, c);
    }
    Table doubled = new Table("doubled", faithful.header(), twice, 2 * faithful.rows(), new int[2 * faithful.rows()]);
    Model gmm = Fits.model(GMM, Map.of());
    Bound all = gmm.bind(doubled, BindOptions.defaults());
    FitResult r = all.compile().fit(FitOptions.defaults());
    double everyRow = r.icl(all.data().orElseThrow());
    double sample = r.icl(gmm.bind(faithful, BindOptions.defaults()).data().orElseThrow());
    assertEquals(everyRow, sample, 1e-9 * Math.abs(everyRow));
    assertTrue(everyRow - r.bic() > 1, "the entropy term is there to scale: " + (everyRow - r.bic()));
  }

  @Test
  void aTiedCovarianceMatchesMclustEee() throws Exception {
    String model = read(Path.of("examples/gmm-tied.model"));
    FitResult r = Fits.faithful(model, Map.of(), FitOptions.defaults().withTol(1e-14).withReg(0), Optional.empty());
    assertEquals(-1140.18675944, r.logLikelihood(), 1e-7);
    assertClose(new double[] {0.1327766, 0.7515171, 0.7515171, 35.1705447}, r.params().get("Sigma"), 1e-6, "Sigma");
    assertEquals(2 * 1 + 1 + 3 + 2 * 2 - 2, r.model().freeParameters()); // φ 1, μ 4, Σ 3
  }

  /**
   * Every covariance structure against mclust 6.0.0 run to convergence (emControl tol 1e-14) on
   * faithful: VVI and EEI (diagonal, per component and tied), VII and EII (spherical), E (one
   * variance for the univariate waiting).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "K = 2; param S[z] : positive[D]; z ~ Categorical(phi); x ~ Normal(mu[z], S[z]); | -1147.80635254",
      "K = 2; param S : positive[D]; z ~ Categorical(phi); x ~ Normal(mu[z], S); | -1157.68001234",
      "K = 2; param s2[z] : positive; z ~ Categorical(phi); x ~ Normal(mu[z], s2[z]); | -1709.52928218",
      "K = 2; param s2 : positive; z ~ Categorical(phi); x ~ Normal(mu[z], s2); | -1709.68137295",
      "K = 2; data waiting : real; z ~ Categorical(phi); waiting ~ Normal(mu[z], s2); | -1034.00176036"})
  void everyCovarianceStructureMatchesMclust(String model, double mclust) throws Exception {
    FitResult r = Fits.faithful(model, Map.of(), FitOptions.defaults().withTol(1e-14).withReg(0), Optional.empty());
    assertEquals(mclust, r.logLikelihood(), 1e-7, model);
  }

  static double[] flat(JsonNode node) {
    List<Double> out = new ArrayList<>();
    flatten(node, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flatten(JsonNode node, List<Double> out) {
    if (node.isArray()) {
      node.forEach(n -> flatten(n, out));
    } else {
      out.add(node.asDouble());
    }
  }
}
