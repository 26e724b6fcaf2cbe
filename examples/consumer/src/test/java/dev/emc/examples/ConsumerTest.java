package dev.emc.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The program on Old Faithful: mclust's optimum, a prediction, and the fit saved and loaded back. */
class ConsumerTest {
  @Test
  void fitsPredictsSavesAndLoads() throws Exception {
    Path out = Path.of(System.getProperty("emc.consumer.out", "examples/consumer/target/faithful-fit.json"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      Consumer.main(new String[] {"examples/gmm.model", "examples/data/faithful.csv", out.toString()});
    } finally {
      System.setOut(stdout);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    stdout.print(text);
    // mclust's VVV fit of Old Faithful with two components: log-likelihood −1130.264.
    assertTrue(text.contains("logLikelihood -1130.2640"), text);
    assertTrue(text.contains("loaded back the same: true"), text);
    assertTrue(Files.exists(out), out.toString());
  }
}
