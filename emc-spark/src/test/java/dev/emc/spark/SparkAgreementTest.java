package dev.emc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Spark fit is the in-memory fit: for each example model with its data, from the same start
 * (the same seed, as the sample is all of the rows), over 3 partitions in local[2], the same
 * log-likelihood to 1e-12 relative and the same parameters to 1e-10, after as many iterations
 * (to convergence, or at most 25, which keeps each Spark fit to a few seconds). Only the order in
 * which statistics are added differs (by partition instead of by chunk).
 */
class SparkAgreementTest {
  static final int MAX_ITER = 25;

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("gmm", "faithful", null),
        Arguments.of("gmm-diagonal", "faithful", null),
        Arguments.of("gmm-spherical", "faithful", null),
        Arguments.of("gmm-tied", "faithful", null),
        Arguments.of("gmm-niw", "faithful", null),
        Arguments.of("waiting", "faithful", null),
        Arguments.of("poisson", "poisson", null),
        Arguments.of("poisson-map", "poisson", null),
        Arguments.of("regression", "regression", null),
        Arguments.of("poisson-regression", "poisson-regression", null),
        Arguments.of("experts", "experts", null),
        Arguments.of("logistic-mixture", "logistic-mixture", null),
        Arguments.of("bernoulli", "bernoulli", null),
        Arguments.of("binomial", "binomial", null),
        Arguments.of("binomial-trials", "binomial-trials", null),
        Arguments.of("geometric", "geometric", null),
        Arguments.of("exponential", "exponential", null),
        Arguments.of("gamma", "gamma", null),
        Arguments.of("lognormal", "lognormal", null),
        Arguments.of("durations", "durations", null),
        Arguments.of("survey", "survey", null),
        Arguments.of("t-mixture", "t-mixture", null),
        Arguments.of("mfa", "mfa", null),
        Arguments.of("hmm", "hmm", "seq"));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("examples")
  void sparkFitIsTheInMemoryFit(String model, String data, String sequence) throws Exception {
    Model m = Emc.builtIn().load(Path.of("examples/" + model + ".model"), Map.of());
    Path csv = Path.of("examples/data/" + data + ".csv");
    BindOptions bind = sequence == null ? BindOptions.defaults() : BindOptions.defaults().withSequence(sequence);
    Bound inMemory = m.bind(Table.read(csv), bind);
    Compiled compiled = inMemory.compile();
    FitOptions options = FitOptions.defaults().withThreads(2).withMaxIter(MAX_ITER);
    FitResult expected = compiled.fit(inMemory.data().orElseThrow(), options);

    Dataset<Row> rows = LocalSpark.dataset(Table.read(csv));
    FitResult actual;
    try (SparkFit spark = SparkFit.bind(m, rows, Optional.empty(), Optional.ofNullable(sequence), csv.toString(), 3)) {
      assertEquals(inMemory.data().orElseThrow().names(), spark.bound().data().orElseThrow().names());
      actual = spark.fit(compiled, options, (run, runs, iteration, objective) -> true);
    }
    double ll = Math.abs(actual.logLikelihood() - expected.logLikelihood()) / Math.abs(expected.logLikelihood());
    double params = maxRelative(expected.params(), actual.params());
    System.out.printf("agreement %-20s %5d rows %4d iterations: log-likelihood %.1e, parameters %.1e%n", model,
        expected.rows(), expected.iterations(), ll, params);
    assertEquals(expected.iterations(), actual.iterations());
    assertEquals(expected.rows(), actual.rows());
    assertTrue(ll <= 1e-12, "log-likelihood differs by " + ll + " relative");
    assertTrue(params <= 1e-10, "parameters differ by " + params);
  }

  /** The largest |a − b| / max(1, |a|) over every number of every parameter. */
  static double maxRelative(Map<String, double[]> expected, Map<String, double[]> actual) {
    double max = 0;
    for (var e : expected.entrySet()) {
      double[] a = e.getValue();
      double[] b = actual.get(e.getKey());
      assertEquals(a.length, b.length, e.getKey());
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
      }
    }
    return max;
  }

}
