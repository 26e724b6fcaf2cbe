package dev.emc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import dev.emc.cli.Main;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts, a given start and the command line on Spark, each against the same in memory. */
class SparkFitTest {
  private static final Path GMM = Path.of("examples/gmm.model");
  private static final Path FAITHFUL = Path.of("examples/data/faithful.csv");

  @Test
  void restartsAndAGivenStartAreTheInMemoryOnes() throws Exception {
    Model m = Emc.builtIn().load(GMM, Map.of());
    Table table = Table.read(FAITHFUL);
    Bound inMemory = m.bind(table, dev.emc.api.BindOptions.defaults());
    Compiled compiled = inMemory.compile();
    FitOptions restarts = FitOptions.defaults().withThreads(2).withRestarts(3).withSeed(7)
        .withInit(FitOptions.Init.RANDOM);
    try (SparkFit spark = SparkFit.bind(m, LocalSpark.dataset(table), Optional.empty(), Optional.empty(), "faithful", 2)) {
      FitResult expected = compiled.fit(inMemory.data().orElseThrow(), restarts);
      FitResult actual = spark.fit(compiled, restarts, (run, runs, iteration, objective) -> true);
      assertEquals(expected.restart(), actual.restart());
      assertEquals(expected.iterations(), actual.iterations());
      assertEquals(expected.logLikelihood(), actual.logLikelihood(), 1e-12 * Math.abs(expected.logLikelihood()));
      assertTrue(SparkAgreementTest.maxRelative(expected.params(), actual.params()) <= 1e-10);

      // From the restarts' best fit, perturbed: the start is given, not computed.
      Map<String, double[]> start = new java.util.LinkedHashMap<>(expected.params());
      double[] mu = start.get("mu").clone();
      mu[0] += 0.5;
      start.put("mu", mu);
      FitOptions given = FitOptions.defaults().withThreads(2).withStart(start);
      FitResult fromStart = compiled.fit(inMemory.data().orElseThrow(), given);
      FitResult sparkFromStart = spark.fit(compiled, given, (run, runs, iteration, objective) -> true);
      assertEquals(fromStart.iterations(), sparkFromStart.iterations());
      assertEquals(fromStart.logLikelihood(), sparkFromStart.logLikelihood(),
          1e-12 * Math.abs(fromStart.logLikelihood()));
      assertTrue(SparkAgreementTest.maxRelative(fromStart.params(), sparkFromStart.params()) <= 1e-10);
    }
  }

  /** emc fit --engine spark reads CSV and Parquet with Spark, and writes the in-memory fit's JSON. */
  @Test
  void theCommandLineFitsOnSpark(@TempDir Path dir) throws Exception {
    LocalSpark.get();
    JsonNode memory = fit(dir.resolve("memory.json"), "--data", FAITHFUL.toString());
    JsonNode csv = fit(dir.resolve("csv.json"), "--data", FAITHFUL.toString(), "--engine", "spark", "--master",
        "local[2]");
    Path parquet = dir.resolve("faithful.parquet");
    LocalSpark.get().read().option("header", true).option("inferSchema", true).csv(FAITHFUL.toString())
        .write().parquet(parquet.toString());
    JsonNode pq = fit(dir.resolve("parquet.json"), "--data", parquet.toString(), "--engine", "spark");
    double ll = memory.get("logLikelihood").asDouble();
    for (JsonNode spark : List.of(csv, pq)) {
      assertEquals(ll, spark.get("logLikelihood").asDouble(), 1e-12 * Math.abs(ll));
      assertEquals(memory.get("iterations").asInt(), spark.get("iterations").asInt());
      assertEquals(memory.get("params").get("mu").get(0).get(0).asDouble(),
          spark.get("params").get("mu").get(0).get(0).asDouble(), 1e-10);
    }
  }

  /**
   * emc select --engine spark: every K's fit, each the best of 3 k-means++ restarts, run on Spark,
   * prints the in-memory table, and its JSON holds the same numbers; at K = 2, mclust 6's VVV fit's
   * BIC and ICL (as in emc-core's ReferenceFitTest, in emc's sign).
   */
  @Test
  void selectOnSparkIsTheInMemorySelect(@TempDir Path dir) throws Exception {
    LocalSpark.get();
    List<String> line = List.of("select", GMM.toString(), "--data", FAITHFUL.toString(), "--set", "K=1..3",
        "--seed", "3", "--restarts", "3");
    Run memory = emc(concat(line, "--out", dir.resolve("memory.json").toString()));
    Run spark = emc(concat(line, "--out", dir.resolve("spark.json").toString(), "--engine", "spark", "--master",
        "local[2]"));
    assertEquals(0, memory.code(), memory.err());
    assertEquals(0, spark.code(), spark.err());
    assertEquals(memory.out(), spark.out());
    assertTrue(memory.out().contains("chosen by BIC: gmm, K = 2"), memory.out());
    JsonNode m = new ObjectMapper().readTree(Files.readString(dir.resolve("memory.json")));
    JsonNode s = new ObjectMapper().readTree(Files.readString(dir.resolve("spark.json")));
    for (int k = 0; k < 3; k++) {
      for (String key : List.of("logLikelihood", "bic", "icl")) {
        double expected = m.get("fits").get(k).get(key).asDouble();
        assertEquals(expected, s.get("fits").get(k).get(key).asDouble(), 1e-10 * Math.abs(expected), key);
      }
      assertEquals(m.get("fits").get(k).get("iterations"), s.get("fits").get(k).get("iterations"));
    }
    // mclust's at tol 1e-14 without regularization; select's --reg 1e-6 and --tol 1e-10 move them by 2e-5.
    assertEquals(2322.191743, s.get("fits").get(1).get("bic").asDouble(), 1e-4);
    assertEquals(2322.704680, s.get("fits").get(1).get("icl").asDouble(), 1e-4);
  }

  @Test
  void selectRefusesWhatNeedsTheRowsInMemory() {
    Run r = emc(List.of("select", GMM.toString(), "--data", FAITHFUL.toString(), "--set", "K=1..2", "--engine",
        "spark", "--weights", "eruptions"));
    assertEquals(2, r.code());
    assertEquals("emc: error: --weights works on the rows in memory, not with --engine spark (see emc select --help)",
        r.err().strip());
  }

  private record Run(int code, String out, String err) {}

  private static Run emc(List<String> line) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(line.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private static List<String> concat(List<String> line, String... more) {
    List<String> all = new java.util.ArrayList<>(line);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void whatNeedsTheRowsInMemoryIsRefusedInOneLine() {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"fit", GMM.toString(), "--data", FAITHFUL.toString(), "--engine", "spark",
        "--bootstrap", "10"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(2, code);
    assertEquals("emc: error: --bootstrap works on the rows in memory, not with --engine spark (see emc fit --help)",
        err.toString().strip());
  }

  private static JsonNode fit(Path out, String... args) throws Exception {
    List<String> line = new java.util.ArrayList<>(List.of("fit", GMM.toString(), "-q", "--out", out.toString()));
    line.addAll(List.of(args));
    StringWriter err = new StringWriter();
    int code = Main.run(line.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    return new ObjectMapper().readTree(Files.readString(out));
  }
}
