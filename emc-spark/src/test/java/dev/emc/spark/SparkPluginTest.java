package dev.emc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.Main;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's family on Spark: the von Mises example (examples/plugins/vonmises), built here into a
 * jar that is on no class path but --plugin's. Its generated class calls the plugin's code, so the
 * executors can only run it once the jar has reached them; the fit is the in-memory one.
 */
class SparkPluginTest {
  private static final Path PLUGIN = Path.of("examples/plugins/vonmises");

  @Test
  void aPluginsFamilyReachesTheExecutors(@TempDir Path dir) throws Exception {
    Path jar = pluginJar(dir);
    LocalSpark.get();
    List<String> line = List.of("fit", "--plugin", jar.toString(), PLUGIN.resolve("wind.model").toString(),
        "--data", PLUGIN.resolve("wind.csv").toString(), "-q", "--tol", "1e-12");
    JsonNode memory = fit(line, dir.resolve("memory.json"));
    JsonNode spark = fit(line, dir.resolve("spark.json"), "--engine", "spark", "--master", "local[2]");
    double ll = memory.get("logLikelihood").asDouble();
    assertEquals(ll, spark.get("logLikelihood").asDouble(), 1e-12 * Math.abs(ll));
    assertEquals(memory.get("iterations"), spark.get("iterations"));
    for (String p : List.of("phi", "mu", "kappa")) {
      for (int k = 0; k < 2; k++) {
        double expected = memory.get("params").get(p).get(k).asDouble();
        assertEquals(expected, spark.get("params").get(p).get(k).asDouble(), 1e-10 * Math.max(1, Math.abs(expected)), p);
      }
    }
  }

  private static JsonNode fit(List<String> line, Path out, String... more) throws Exception {
    List<String> all = new ArrayList<>(line);
    all.addAll(List.of("--out", out.toString()));
    all.addAll(List.of(more));
    StringWriter err = new StringWriter();
    int code = Main.run(all.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    return new ObjectMapper().readTree(Files.readString(out));
  }

  /** The plugin's sources compiled against emc-core, and its service file, as one jar. */
  private static Path pluginJar(Path dir) throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path")));
    try (Stream<Path> sources = Files.walk(PLUGIN.resolve("src/main/java"))) {
      sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)),
        "javac");
    Path jar = dir.resolve("emc-vonmises.jar");
    Path resources = PLUGIN.resolve("src/main/resources");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Stream.concat(Files.walk(classes), Files.walk(resources))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path root = f.startsWith(classes) ? classes : resources;
        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, (OutputStream) out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
