package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * emc as a library: typed parameters, predict and score on rows in memory, one compile fitted
 * many times, a fit saved and loaded, and rows checked at the door.
 */
class LibraryTest {
  private static final Path REFERENCE = Path.of("emc-core/src/test/resources/reference");

  /** Old Faithful's rows, as a caller holds them. */
  static double[][] faithful() throws Exception {
    Table t = Table.read(Fits.FAITHFUL);
    double[][] rows = new double[t.rows()][];
    for (int n = 0; n < t.rows(); n++) {
      rows[n] = new double[] {t.get(n, 0), t.get(n, 1)};
    }
    return rows;
  }

  /** scikit-learn's optimum from the shared start (faithful_sklearn.py), reached by emc from the same start. */
  private static FitResult sklearnsFit(Compiled compiled) throws Exception {
    Map<String, double[]> start = FitJson.readParams(REFERENCE.resolve("faithful_start.json"), compiled.newModel());
    return compiled.fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(500).withStart(start));
  }

  @Test
  void weightsMeansAndCovariancesAreScikitLearnsAndScoreIsItsScore() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(REFERENCE.resolve("faithful_sklearn.json").toFile()).get("converged");
    double[][] rows = faithful();
    Compiled compiled = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of()).compile(rows);
    FitResult fit = sklearnsFit(compiled);
    JsonNode p = expected.get("params");
    for (int k = 0; k < 2; k++) {
      assertEquals(p.get("phi").get(k).asDouble(), fit.weights()[k], 1e-6);
      for (int i = 0; i < 2; i++) {
        assertEquals(p.get("mu").get(k).get(i).asDouble(), fit.mean(k)[i], 1e-6);
        for (int j = 0; j < 2; j++) {
          assertEquals(p.get("Sigma").get(k).get(i).get(j).asDouble(), fit.covariance(k)[i][j], 1e-6);
        }
      }
    }
    // score() is scikit-learn's: the mean log-likelihood per row, here logLikelihood / N of its optimum.
    assertEquals(expected.get("logLikelihood").asDouble() / rows.length, fit.score(rows), 1e-8);
    // And by hand, from the typed parameters: Σ_k φ_k N(x; μ_k, Σ_k) of the bivariate normal's closed form.
    double sum = 0;
    for (double[] x : rows) {
      double density = 0;
      for (int k = 0; k < 2; k++) {
        double[] m = fit.mean(k);
        double[][] s = fit.covariance(k);
        double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
        double a = x[0] - m[0];
        double b = x[1] - m[1];
        double q = (s[1][1] * a * a - 2 * s[0][1] * a * b + s[0][0] * b * b) / det;
        density += fit.weights()[k] * Math.exp(-q / 2) / (2 * Math.PI * Math.sqrt(det));
      }
      sum += Math.log(density);
    }
    assertEquals(sum / rows.length, fit.score(rows), 1e-12);
    // Each name the model gives, in the shape people write it.
    double[][][] sigma = fit.param("Sigma", double[][][].class);
    assertArrayEquals(fit.covariance(1)[0], sigma[1][0]);
    assertArrayEquals(fit.weights(), (double[]) fit.param("phi"));
  }

  @Test
  void predictGivesWhatEmcPredictPrints() throws Exception {
    double[][] rows = faithful();
    FitResult fit = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of()).fit(rows,
        FitOptions.defaults().withTol(1e-14));
    Prediction p = fit.predict(rows);
    // At the optimum the E-step's N_k / N is φ_k: the posteriors are the fit's own.
    double n0 = 0;
    for (int n = 0; n < rows.length; n++) {
      n0 += p.responsibilities(n)[0];
      assertEquals(1.0, p.responsibilities(n)[0] + p.responsibilities(n)[1], 1e-12);
    }
    assertEquals(fit.weights()[0], n0 / rows.length, 1e-7);
    assertEquals(fit.logLikelihood(), p.logLikelihood(), 1e-9 * rows.length);
    // Row 0 (3.6, 79) is a long eruption: the component with the larger mean eruption.
    int longer = fit.mean(0)[0] > fit.mean(1)[0] ? 0 : 1;
    assertEquals(longer, p.component(0));
  }

  @Test
  void aParameterAskedForAsAnotherShapeOrUnknownSaysWhatThereIs() throws Exception {
    FitResult fit = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of()).fit(faithful(), FitOptions.defaults());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> fit.param("mu", double[].class));
    assertEquals("mu is a double[][] (mu[2]×2), not a double[]", shape.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> fit.param("lambda"));
    assertEquals("model gmm has no parameter lambda; it has [phi, mu, Sigma]", unknown.getMessage());
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> fit.mean(2));
    assertEquals("component 2 is not one of 0..1 (0-based)", k.getMessage());
  }

  @Test
  void weightsAndMeansAreForModelsThatHaveThem() throws Exception {
    Table hmm = Table.read(Path.of("examples/data/hmm.csv"));
    FitResult chain = Emc.builtIn().load(Path.of("examples/hmm.model"), Map.of())
        .bind(hmm, BindOptions.defaults().withSequence("seq")).compile().fit(FitOptions.defaults().withMaxIter(5));
    IllegalStateException e = assertThrows(IllegalStateException.class, chain::weights);
    assertTrue(e.getMessage().contains("its latent is a chain, with first-row probabilities"), e.getMessage());
    Table counts = Table.read(Path.of("examples/data/poisson.csv"));
    FitResult poisson = Emc.builtIn().load(Path.of("examples/poisson.model"), Map.of())
        .bind(counts, BindOptions.defaults()).compile().fit(FitOptions.defaults());
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> poisson.mean(0));
    assertTrue(none.getMessage().startsWith("model poisson has no normal data variables"), none.getMessage());
    assertEquals(2, poisson.weights().length);
  }

  @Test
  void rowsOfTheWrongWidthOrNotFiniteAreDataExceptionsNamingTheRow() throws Exception {
    double[][] rows = faithful();
    FitResult fit = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of()).fit(rows, FitOptions.defaults());
    DataException narrow = assertThrows(DataException.class,
        () -> fit.predict(new double[][] {{1, 60}, {2, 70}, {3}}));
    assertEquals("rows[2] has 1 values, but each row has 2 (the model's columns)", narrow.getMessage());
    DataException nan = assertThrows(DataException.class, () -> fit.score(new double[][] {{1, 60}, {2, Double.NaN}}));
    assertEquals("rows[1][1] is NaN: each value must be a finite number", nan.getMessage());
    double[][] ragged = rows.clone();
    ragged[5] = new double[] {1, 2, 3};
    DataException fitted = assertThrows(DataException.class,
        () -> Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of()).fit(ragged, FitOptions.defaults()));
    assertEquals("rows[5] has 3 values, but each row has 2 (the model's columns)", fitted.getMessage());
  }

  @Test
  void oneCompileFitsManyTimes() throws Exception {
    double[][] rows = faithful();
    Compiled compiled = Emc.builtIn().withoutCache().load(Path.of("examples/gmm.model"), Map.of()).compile(rows);
    FitResult a = compiled.fit(FitOptions.defaults().withSeed(1).withInit(FitOptions.Init.RANDOM));
    FitResult b = compiled.fit(FitOptions.defaults().withSeed(2).withInit(FitOptions.Init.RANDOM));
    FitResult again = compiled.fit(FitOptions.defaults().withSeed(1).withInit(FitOptions.Init.RANDOM));
    // Each fit has a model of its own: the second leaves the first's parameters as they were.
    assertArrayEquals(a.params().get("mu"), again.params().get("mu"));
    assertTrue(a.model() != b.model());
    assertEquals(-1130.264, b.logLikelihood(), 1e-3); // mclust's optimum, from either start
  }

  @Test
  void aSavedFitLoadsBackTheSame(@TempDir Path dir) throws Exception {
    double[][] rows = faithful();
    Model model = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of());
    Compiled compiled = model.compile(rows);
    FitResult fit = compiled.fit(FitOptions.defaults().withSeed(7).withTol(1e-8));
    Path file = dir.resolve("fit.json");
    compiled.save(fit, file);
    for (FitResult back : new FitResult[] {compiled.load(file), model.loadFit(file)}) {
      for (String p : new String[] {"phi", "mu", "Sigma"}) {
        assertArrayEquals(fit.params().get(p), back.params().get(p), p);
      }
      assertEquals(fit.logLikelihood(), back.logLikelihood());
      assertEquals(fit.iterations(), back.iterations());
      assertEquals(fit.options(), back.options());
      assertEquals(fit.score(rows), back.score(rows), 0);
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals(FitJson.SCHEMA_VERSION, json.get("schemaVersion").asInt());
    assertEquals(7, json.get("options").get("seed").asLong());
    assertEquals(1e-8, json.get("options").get("tol").asDouble());
    assertEquals("c1", json.get("columns").get(0).asText());
    // No temporary file is left beside it.
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aFileOfOtherSizesIsNotLoaded(@TempDir Path dir) throws Exception {
    double[][] rows = faithful();
    Model model = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of());
    Compiled two = model.compile(rows);
    Path file = dir.resolve("fit.json");
    two.save(two.fit(FitOptions.defaults()), file);
    Compiled three = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of("K", 3.0)).compile(rows);
    DataException e = assertThrows(DataException.class, () -> three.load(file));
    assertEquals(file.toString(), e.file());
    assertEquals("sizes.K is 2, but the model was compiled with K = 3", e.getMessage());
  }
}
