package dev.emc.api;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small helpers for tests that compile and fit models. */
public final class Fits {
  public static final Path FAITHFUL = Path.of("examples/data/faithful.csv");

  private Fits() {}

  /** Every row of a CSV file, every column, as arrays. */
  public static double[][] rows(Path csv) throws Exception {
    Table t = Table.read(csv);
    double[][] rows = new double[t.rows()][t.columns()];
    for (int n = 0; n < t.rows(); n++) {
      for (int c = 0; c < t.columns(); c++) {
        rows[n][c] = t.get(n, c);
      }
    }
    return rows;
  }

  public static Model model(String text, Map<String, Double> settings) {
    return Emc.builtIn().parse("test.model", text, settings);
  }

  public static Table table(double[][] rows, String... names) {
    DataMatrix m = DataMatrix.of(rows, List.of(names));
    return new Table("test.csv", List.of(names), m.values(), m.rows(), new int[m.rows()]);
  }

  public static FitResult fit(String text, Table table, FitOptions options) throws Exception {
    return model(text, Map.of()).bind(table, BindOptions.defaults()).compile().fit(options);
  }

  public static FitResult faithful(String text, Map<String, Double> settings, FitOptions options,
      Optional<List<String>> columns) throws Exception {
    BindOptions bind = columns.map(BindOptions.defaults()::withColumns).orElse(BindOptions.defaults());
    return model(text, settings).bind(Table.read(FAITHFUL), bind).compile().fit(options);
  }

  /** Responsibilities drawn at random, each row positive and summing to 1. */
  public static double[] randomResponsibilities(int n, int k, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    double[] r = new double[n * k];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        r[i * k + j] = rng.nextDouble() + 0.05;
        s += r[i * k + j];
      }
      for (int j = 0; j < k; j++) {
        r[i * k + j] /= s;
      }
    }
    return r;
  }

  /** |a − b| ≤ rel · max(|a|, |b|), elementwise. */
  public static void assertClose(double[] expected, double[] actual, double rel, String what) {
    if (expected.length != actual.length) {
      throw new AssertionError(what + ": " + expected.length + " values expected, " + actual.length + " found");
    }
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
      if (Math.abs(expected[i] - actual[i]) > rel * scale) {
        throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + ", found " + actual[i]
            + " (relative difference " + Math.abs(expected[i] - actual[i]) / scale + ")");
      }
    }
  }

  /** The objective never falls from one iteration to the next, beyond rounding (1e-9 relative). */
  public static void assertMonotone(java.util.List<Double> trace) {
    for (int i = 1; i < trace.size(); i++) {
      if (trace.get(i) < trace.get(i - 1) - 1e-9 * Math.abs(trace.get(i))) {
        throw new AssertionError("the objective fell at iteration " + i + ": " + trace);
      }
    }
  }
}
