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
