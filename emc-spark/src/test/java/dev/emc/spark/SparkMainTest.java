package dev.emc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-submit's main class in a JVM of its own, as spark-submit runs it: it fits, writes the
 * in-memory fit's JSON, and the JVM ends with the command's exit code (Spark's threads, left
 * running, would keep it alive).
 */
class SparkMainTest {
  @Test
  void theMainClassFitsWritesTheInMemoryFitAndEnds(@TempDir Path dir) throws Exception {
    Path memory = dir.resolve("memory.json");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.run(new String[] {"fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "-q",
        "--out", memory.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err)), err.toString());

    Path spark = dir.resolve("spark.json");
    Process p = main(dir, "examples/gmm.model", "--data", "examples/data/faithful.csv", "--master", "local[2]", "-q",
        "--out", spark.toString());
    // Not a timing: a JVM that has not ended by then is one Spark's threads keep alive.
    boolean ended = p.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("main.log"));
    assertTrue(ended, "SparkMain did not end after its fit:\n" + log);
    assertEquals(0, p.exitValue(), log);
    JsonNode expected = new ObjectMapper().readTree(Files.readString(memory));
    JsonNode actual = new ObjectMapper().readTree(Files.readString(spark));
    double ll = expected.get("logLikelihood").asDouble();
    assertEquals(ll, actual.get("logLikelihood").asDouble(), 1e-12 * Math.abs(ll));
    assertEquals(expected.get("iterations"), actual.get("iterations"));
    List<Double> e = numbers(expected.get("params"));
    List<Double> a = numbers(actual.get("params"));
    assertEquals(e.size(), a.size());
    for (int i = 0; i < e.size(); i++) {
      assertEquals(e.get(i), a.get(i), 1e-10 * Math.max(1, Math.abs(e.get(i))), "params' number " + i);
    }

    // A bad flag: one line, exit 2, and still the JVM ends.
    Process bad = main(dir, "examples/gmm.model", "--data", "examples/data/faithful.csv", "--bootstrap", "5");
    assertTrue(bad.waitFor(5, TimeUnit.MINUTES), "SparkMain did not end after its error");
    assertEquals(2, bad.exitValue());
    assertEquals("emc: error: --bootstrap works on the rows in memory, not with --engine spark (see emc fit --help)",
        Files.readString(dir.resolve("main.log")).strip());
  }

  /** SparkMain in a new JVM on this one's class path and module flags; its output to dir/main.log. */
  private static Process main(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.")
          || a.startsWith("-Dio.netty")) {
        command.add(a);
      }
    }
    command.add("-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile"));
    command.addAll(List.of("-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1", "-Xmx1g", "-cp",
        System.getProperty("java.class.path"), SparkMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("main.log").toFile())
        .start();
  }

  private static List<Double> numbers(JsonNode node) {
    List<Double> out = new ArrayList<>();
    if (node.isNumber()) {
      out.add(node.asDouble());
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      out.addAll(numbers(it.next()));
    }
    return out;
  }
}
