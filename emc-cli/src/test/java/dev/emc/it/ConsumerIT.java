package dev.emc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/consumer, a project that depends on dev.emc:emc-core alone, built and tested by Maven as
 * its README says, against the emc-core this build just made. That jar and its parent pom go into
 * a fresh local repository of the test's own; everything else the consumer needs (emc-core's
 * dependencies, Maven's plugins) comes from the build's own local repository, named as a file://
 * mirror, so nothing is fetched from a network and the user's repository is left as it was.
 */
class ConsumerIT {
  private static final Path CONSUMER = Path.of("examples/consumer");

  @Test
  void theConsumerProjectFitsPredictsSavesAndLoads(@TempDir Path dir) throws Exception {
    Path repo = dir.resolve("repository");
    Path settings = BuildRepository.of(repo, List.of("emc-core"));
    Path out = dir.resolve("faithful-fit.json").toAbsolutePath();

    String printed = run(List.of("mvn", "-B", "-s", settings.toString(), "-Dmaven.repo.local=" + repo.toAbsolutePath(),
        "-f", CONSUMER.resolve("pom.xml").toString(), "-Demc.consumer.out=" + out,
        "verify"));
    assertTrue(printed.contains("Tests run: 1, Failures: 0, Errors: 0"), printed);
    assertTrue(printed.contains("loaded back the same: true"), printed);
    JsonNode fit = new ObjectMapper().readTree(out.toFile());
    assertEquals("gmm", fit.get("model").asText());
    assertEquals(-1130.264, fit.get("logLikelihood").asDouble(), 1e-3); // mclust's optimum
    // It depended on emc-core alone: the command line's libraries never reached its repository.
    assertTrue(Files.exists(repo.resolve("com/fasterxml/jackson/core/jackson-databind")), "emc-core's dependencies");
    assertTrue(!Files.exists(repo.resolve("info/picocli")) && !Files.exists(repo.resolve("org/knowm")),
        "picocli or XChart was resolved for a project that depends on emc-core alone");
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished");
    String text = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + text);
    return text;
  }
}
