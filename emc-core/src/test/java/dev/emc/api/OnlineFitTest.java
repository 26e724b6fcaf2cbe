package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Stepwise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stepwise EM ({@link OnlineFit}): against incremental EM written out, and against a batch fit of the same rows. */
class OnlineFitTest {
  /**
   * With γ_t = 1/t and one row per batch, s_t is the mean of the rows' statistics, each at the
   * parameters when it came, and the M-step from t · s_t is incremental EM's (Neal and Hinton's,
   * in one pass): each row's expected statistics added to the sums, then the M-step from the sums.
   * Written out here for a 1-D mixture of two normals on Old Faithful's waiting times, with the
   * M-step waiting for 20 rows in both.
   */
  @Test
  void withStepOneOverTAndOneRowPerBatchItIsIncrementalEm() throws Exception {
    double[][] rows = Fits.rows(Fits.FAITHFUL);
    double[] x = Arrays.stream(rows).mapToDouble(r -> r[1]).toArray();
    double[] phi = {0.5, 0.5};
    double[] mu = {55, 80};
    double[] s2 = {40, 40};
    Compiled compiled = Fits.model(Files.readString(Path.of("examples/waiting.model")), Map.of())
        .bind(Fits.table(Arrays.stream(x).mapToObj(v -> new double[] {v}).toArray(double[][]::new), "waiting"),
            BindOptions.defaults())
        .compile();
    int warmup = 20;
    OnlineFit online = compiled.online(FitOptions.defaults().withReg(0)
        .withStart(Map.of("phi", phi.clone(), "mu", mu.clone(), "s2", s2.clone())), new Stepwise.Steps(1.0, 0, warmup));

    // Incremental EM: sums of r, r (x − c), r (x − c)² about a fixed c (for rounding's sake only).
    double c = 70;
    double[] n = new double[2];
    double[] s1 = new double[2];
    double[] ss = new double[2];
    for (int t = 1; t <= x.length; t++) {
      double[] r = new double[2];
      for (int k = 0; k < 2; k++) {
        double d = x[t - 1] - mu[k];
        r[k] = Math.log(phi[k]) - 0.5 * Math.log(2 * Math.PI * s2[k]) - 0.5 * d * d / s2[k];
      }
      double max = Math.max(r[0], r[1]);
      double sum = Math.exp(r[0] - max) + Math.exp(r[1] - max);
      for (int k = 0; k < 2; k++) {
        r[k] = Math.exp(r[k] - max) / sum;
        double d = x[t - 1] - c;
        n[k] += r[k];
        s1[k] += r[k] * d;
        ss[k] += r[k] * d * d;
      }
      if (t >= warmup) {
        for (int k = 0; k < 2; k++) {
          phi[k] = n[k] / t;
          double mean = s1[k] / n[k];
          mu[k] = c + mean;
          s2[k] = ss[k] / n[k] - mean * mean;
        }
      }
      online.update(new double[][] {{x[t - 1]}});
      if (t == 50 || t == x.length) {
        FitResult now = online.current();
        Fits.assertClose(phi, now.params().get("phi"), 1e-12, "phi after " + t + " rows");
        Fits.assertClose(mu, now.params().get("mu"), 1e-12, "mu after " + t + " rows");
        Fits.assertClose(s2, now.params().get("s2"), 1e-12, "s2 after " + t + " rows");
      }
    }
    assertEquals(x.length, online.rows());
  }

  /**
   * One pass over rows drawn from the reference fit (Old Faithful, 2 components, full
   * covariances) reaches the batch fit of the same rows: its log-likelihood per row within 1e-3,
   * each parameter within 3 standard errors. The standard errors are mclust's bootstrap ones on
   * Old Faithful (N = 272, B = 1000: reference/faithful_mclustbootstrap.json) scaled by √(272 / N),
   * the rate at which a maximum-likelihood estimate's standard errors fall.
   */
  @Test
  void onePassReachesTheBatchFitOfTheSameRows() throws Exception {
    int rows = 200_000;
    Bound bound = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of())
        .bind(Table.read(Fits.FAITHFUL), BindOptions.defaults());
    FitResult reference = bound.compile().fit(FitOptions.defaults());
    DataMatrix drawn = bound.simulate(reference.params(), rows, 1, 7, List.of("eruptions", "waiting")).data();
    Compiled compiled = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of())
        .bind(new Table("drawn", drawn.names(), drawn.values(), rows, new int[rows]), BindOptions.defaults())
        .compile();
    FitResult batch = compiled.fit(FitOptions.defaults());

    OnlineFit online = compiled.online(FitOptions.defaults(), Stepwise.Steps.defaults());
    int size = 1000;
    double ll = 0;
    for (int from = 0; from < rows; from += size) {
      online.update(slice(drawn, from, size));
    }
    for (int from = 0; from < rows; from += size) {
      ll += online.logLikelihood(slice(drawn, from, size));
    }
    FitResult fit = online.current(ll);
    assertEquals(rows, fit.rows());
    assertTrue(Math.abs(fit.logLikelihood() - batch.logLikelihood()) / rows < 1e-3,
        "log-likelihood per row " + fit.logLikelihood() / rows + " vs the batch fit's " + batch.logLikelihood() / rows);

    JsonNode se = new ObjectMapper().readTree(Path.of("emc-core/src/test/resources/reference/faithful_mclustbootstrap.json").toFile());
    double scale = Math.sqrt(272.0 / rows);
    // The batch and online fits may name the components differently: match them by their means.
    int[] to = batch.params().get("mu")[0] > batch.params().get("mu")[2]
        == fit.params().get("mu")[0] > fit.params().get("mu")[2] ? new int[] {0, 1} : new int[] {1, 0};
    // mclust's components are ordered as the reference summary's: the larger (eruptions ≈ 4.3) first.
    int[] mclust = batch.params().get("mu")[0] > batch.params().get("mu")[2] ? new int[] {0, 1} : new int[] {1, 0};
    for (int k = 0; k < 2; k++) {
      within(batch.params().get("phi")[k], fit.params().get("phi")[to[k]], se.get("se_pro").get(mclust[k]).asDouble() * scale, "phi");
      for (int i = 0; i < 2; i++) {
        within(batch.params().get("mu")[k * 2 + i], fit.params().get("mu")[to[k] * 2 + i],
            se.get("se_mean").get(mclust[k]).get(i).asDouble() * scale, "mu");
      }
      for (int i = 0; i < 4; i++) {
        within(batch.params().get("Sigma")[k * 4 + i], fit.params().get("Sigma")[to[k] * 4 + i],
            se.get("se_variance").get(mclust[k]).get(i).asDouble() * scale, "Sigma");
      }
    }
  }

  private static void within(double batch, double online, double se, String what) {
    assertTrue(Math.abs(batch - online) <= 3 * se, what + ": online " + online + ", batch " + batch
        + ", standard error " + se + " (" + Math.abs(batch - online) / se + " of them apart)");
  }

  static DataMatrix slice(DataMatrix m, int from, int size) {
    int n = Math.min(size, m.rows() - from);
    double[] v = Arrays.copyOfRange(m.values(), from * m.columns(), (from + n) * m.columns());
    return new DataMatrix(m.source(), m.names(), v, n, m.columns(), null);
  }

  @Test
  void itRefusesModelsWhoseStatisticsDoNotAddAcrossParameters() throws Exception {
    String hmm = assertThrows(FitException.class, () -> compiled("hmm").online(FitOptions.defaults(),
        Stepwise.Steps.defaults())).getMessage();
    assertTrue(hmm.startsWith("model hmm cannot be fitted online: its latent is a Markov chain"), hmm);
    String poisson = assertThrows(FitException.class, () -> compiled("poisson-regression")
        .online(FitOptions.defaults(), Stepwise.Steps.defaults())).getMessage();
    assertTrue(poisson.contains("the update of beta is a Newton step"), poisson);
    // Böhning's bound step is a step from the current value: the first M-step's check finds it.
    Compiled logistic = compiled("logistic-mixture");
    OnlineFit online = logistic.online(FitOptions.defaults(), Stepwise.Steps.defaults());
    DataMatrix rows = slice(data("logistic-mixture"), 0, 200);
    String step = assertThrows(FitException.class, () -> online.update(rows)).getMessage();
    assertTrue(step.startsWith("model logistic_mixture cannot be fitted online: the update of beta depends on the"
        + " current parameters"), step);
    // A t mixture's statistics hold each row's scale posterior at the parameters they are centred on.
    Compiled t = compiled("t-mixture");
    OnlineFit scales = t.online(FitOptions.defaults(), Stepwise.Steps.defaults());
    String posterior = assertThrows(FitException.class, () -> scales.update(slice(data("t-mixture"), 0, 200))).getMessage();
    assertTrue(posterior.startsWith("model t_mixture cannot be fitted online: the update of "), posterior);
  }

  @Test
  void stepsOutsideRobbinsMonroAreRefused() {
    assertEquals("the step decay α must be in (0.5, 1], not 0.5",
        assertThrows(IllegalArgumentException.class, () -> new Stepwise.Steps(0.5, 0, 0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Stepwise.Steps(1.01, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Stepwise.Steps(0.7, -1, 0));
  }

  /**
   * Examples of the families and forms the online fit takes (tied, a conjugate prior, counts, a
   * Newton-solved shape, a regression), from their own data in batches of 100: no refusal, and
   * finite parameters.
   */
  @Test
  void mixturesOfEveryFamilyAndRegressionsRunOnline() throws Exception {
    for (String name : List.of("gmm-tied", "gmm-niw", "poisson-map", "binomial", "gamma", "lognormal", "regression")) {
      Compiled c = compiled(name);
      DataMatrix data = data(name);
      OnlineFit online = c.online(FitOptions.defaults(), Stepwise.Steps.defaults());
      for (int from = 0; from < data.rows(); from += 100) {
        online.update(slice(data, from, 100));
      }
      FitResult fit = online.current();
      for (var e : fit.params().entrySet()) {
        assertTrue(Arrays.stream(e.getValue()).allMatch(Double::isFinite), name + ": " + e.getKey());
      }
      assertTrue(Double.isFinite(fit.logLikelihood()), name);
    }
  }

  private static final Map<String, String> DATA = Map.of("gmm-diagonal", "faithful", "gmm-spherical", "faithful",
      "gmm-tied", "faithful", "gmm-niw", "faithful", "gmm", "faithful", "waiting", "faithful", "poisson-map",
      "poisson", "factor", "wine");

  private static Bound bound(String name) throws Exception {
    String file = DATA.getOrDefault(name, name);
    Path model = Path.of("examples/" + name + ".model");
    return Emc.builtIn().parse(model.toString(), Files.readString(model), Map.of())
        .bind(Table.read(Path.of("examples/data/" + file + ".csv")),
            name.equals("hmm") ? BindOptions.defaults().withSequence("seq") : BindOptions.defaults());
  }

  private static Compiled compiled(String name) throws Exception {
    return bound(name).compile();
  }

  private static DataMatrix data(String name) throws Exception {
    return bound(name).data().orElseThrow();
  }
}
