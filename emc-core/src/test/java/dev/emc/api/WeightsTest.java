package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.data.DataException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Row weights are frequency weights: a row of weight w is w copies of it. The expected numbers
 * are the same model fitted to the table with each row repeated that many times.
 */
class WeightsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "gmm, faithful",          // full covariances
      "poisson, poisson",       // a count family
      "gamma, gamma",           // a Newton M-step
      "regression, regression", // covariates
      "factor, wine",           // a continuous latent
  })
  void integerWeightsFitAsRepeatedRows(String model, String data) throws Exception {
    Table table = Table.read(Path.of("examples/data/" + data + ".csv"));
    int[] copies = new int[table.rows()];
    SplittableRandom rng = new SplittableRandom(7);
    for (int r = 0; r < copies.length; r++) {
      copies[r] = rng.nextInt(4); // 0 drops the row
    }
    Model m = parse("examples/" + model + ".model");
    Bound weighted = m.bind(withWeights(table, copies), BindOptions.defaults().withWeights("w"));
    Bound repeated = m.bind(repeated(table, copies), BindOptions.defaults());

    // The same start and a fixed number of iterations: every iteration must agree.
    FitOptions some = FitOptions.defaults().withMaxIter(3).withTol(0);
    Map<String, double[]> start = repeated.compile().fit(some).params();
    FitOptions steps = FitOptions.defaults().withStart(start).withMaxIter(25).withTol(0);
    FitResult w = weighted.compile().fit(steps);
    FitResult r = repeated.compile().fit(steps);
    double[] wTrace = w.trace().stream().mapToDouble(Double::doubleValue).toArray();
    double[] rTrace = r.trace().stream().mapToDouble(Double::doubleValue).toArray();
    Fits.assertClose(rTrace, wTrace, 1e-11, model + " objective per iteration");
    for (String p : r.params().keySet()) {
      Fits.assertClose(r.params().get(p), w.params().get(p), 1e-8, model + " " + p);
    }
    assertEquals(r.bic(), w.bic(), 1e-8 * Math.abs(r.bic()), "BIC's N is the total weight");
    assertEquals(table.rows(), w.rows());
    assertEquals(java.util.Arrays.stream(copies).sum(), w.weight());
  }

  @Test
  void fromTheirOwnStartsWeightedAndRepeatedRowsReachTheSameMaximum() throws Exception {
    Table table = Table.read(Fits.FAITHFUL);
    int[] copies = new int[table.rows()];
    for (int r = 0; r < copies.length; r++) {
      copies[r] = 1 + r % 3;
    }
    Model m = parse("examples/gmm.model");
    FitResult w = m.bind(withWeights(table, copies), BindOptions.defaults().withWeights("w"))
        .compile().fit(FitOptions.defaults());
    FitResult r = m.bind(repeated(table, copies), BindOptions.defaults()).compile().fit(FitOptions.defaults());
    assertEquals(r.logLikelihood(), w.logLikelihood(), 1e-9 * Math.abs(r.logLikelihood()));
  }

  @Test
  void aConstantWeightScalesTheLogLikelihoodAndLeavesTheParameters() throws Exception {
    Table table = Table.read(Fits.FAITHFUL);
    double[] half = new double[table.rows()];
    java.util.Arrays.fill(half, 0.5);
    Model m = parse("examples/gmm.model");
    // Without regularization, whose penalty does not scale with the rows; the same start and steps.
    FitOptions o = FitOptions.defaults().withReg(0).withTol(0);
    Bound plainBound = m.bind(table, BindOptions.defaults());
    FitOptions steps = o.withStart(plainBound.compile().fit(o.withMaxIter(3)).params()).withMaxIter(25);
    FitResult plain = plainBound.compile().fit(steps);
    FitResult w = m.bind(withColumn(table, half), BindOptions.defaults().withWeights("w"))
        .compile().fit(steps);
    for (int i = 0; i < plain.trace().size(); i++) {
      assertEquals(plain.trace().get(i) / 2, w.trace().get(i), 1e-11 * Math.abs(plain.trace().get(i)));
    }
    for (String p : plain.params().keySet()) {
      Fits.assertClose(plain.params().get(p), w.params().get(p), 1e-10, p);
    }
  }

  @Test
  void aNegativeWeightIsRefusedAtItsLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path csv = dir.resolve("w.csv");
    Files.writeString(csv, "eruptions,waiting,w\n3.6,79,1\n1.8,54,-2\n3.3,74,1\n");
    Model m = parse("examples/gmm.model");
    DataException e = assertThrows(DataException.class,
        () -> m.bind(Table.read(csv), BindOptions.defaults().withWeights("w")));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("at least 0, not -2"), e.getMessage());
  }

  private static Model parse(String file) throws java.io.IOException {
    return Emc.builtIn().parse(file, Files.readString(Path.of(file)), Map.of());
  }

  private static Table withWeights(Table t, int[] copies) {
    return withColumn(t, java.util.Arrays.stream(copies).asDoubleStream().toArray());
  }

  /** The table with a last column w. */
  private static Table withColumn(Table t, double[] w) {
    int c = t.columns();
    double[] values = new double[t.rows() * (c + 1)];
    for (int r = 0; r < t.rows(); r++) {
      for (int j = 0; j < c; j++) {
        values[r * (c + 1) + j] = t.get(r, j);
      }
      values[r * (c + 1) + c] = w[r];
    }
    List<String> header = new ArrayList<>(t.header());
    header.add("w");
    return new Table(t.source(), header, values, t.rows(), t.lines());
  }

  private static Table repeated(Table t, int[] copies) {
    int c = t.columns();
    int n = java.util.Arrays.stream(copies).sum();
    double[] values = new double[n * c];
    int[] lines = new int[n];
    int at = 0;
    for (int r = 0; r < t.rows(); r++) {
      for (int i = 0; i < copies[r]; i++, at++) {
        for (int j = 0; j < c; j++) {
          values[at * c + j] = t.get(r, j);
        }
        lines[at] = t.lines()[r];
      }
    }
    return new Table(t.source(), t.header(), values, n, lines);
  }
}
