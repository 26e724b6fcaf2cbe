package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.api.BindOptions;
import dev.emc.api.Emc;
import dev.emc.api.OnlineFit;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Stepwise;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emc fit --online}: a file and standard input read batch by batch give the Java API's fit of the same batches. */
class OnlineCliTest {
  private static final Path FAITHFUL = Path.of("examples/data/faithful.csv");

  @TempDir
  Path dir;

  @AfterEach
  void standardInputIsTheProcesssAgain() {
    ReadFlags.reset(System.in);
  }

  /** The API's online fit of Old Faithful in batches of 50, started from all its rows, its log-likelihood from one more pass. */
  private static FitResult api() throws Exception {
    var bound = Emc.builtIn().parse("examples/gmm.model", Files.readString(Path.of("examples/gmm.model")), Map.of())
        .bind(Table.read(FAITHFUL), BindOptions.defaults());
    DataMatrix all = bound.data().orElseThrow();
    OnlineFit online = bound.compile().online(FitOptions.defaults(), Stepwise.Steps.defaults());
    online.start(all);  // as the command does from its first slab, here every row
    double ll = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int from = 0; from < all.rows(); from += 50) {
        int n = Math.min(50, all.rows() - from);
        DataMatrix batch = new DataMatrix("b", all.names(), Arrays.copyOfRange(all.values(), from * 2, (from + n) * 2),
            n, 2, null);
        if (pass == 0) {
          online.update(batch);
        } else {
          ll += online.logLikelihood(batch);
        }
      }
    }
    return online.current(ll);
  }

  private JsonNode run(String data) throws Exception {
    Path out = dir.resolve("online" + System.nanoTime() + ".json");
    CliTest.Run r = CliTest.emc("fit", "examples/gmm.model", "--data", data, "--online", "--batch", "50",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("online EM: one pass, 6 batches of 50 rows (the last 22); step γ_t = (t + 0)^−1"),
        r.out());
    return new ObjectMapper().readTree(out.toFile());
  }

  @Test
  void aFileAndStandardInputGiveTheApisFitOfTheSameBatches() throws Exception {
    FitResult expected = api();
    JsonNode file = run(FAITHFUL.toString());
    // The same sum over the rows, added a slab (here: all 272 rows) rather than a batch at a time.
    assertEquals(expected.logLikelihood(), file.get("logLikelihood").asDouble(), 1e-10 * 1130);
    assertEquals("one more pass over the file at the final parameters",
        file.get("online").get("logLikelihoodBasis").asText());
    assertEquals(6, file.get("online").get("batches").asInt());
    // Six batches of Old Faithful are near its batch fit (mclust: −1130.26396) already.
    assertEquals(-1130.26396, file.get("logLikelihood").asDouble(), 1.0);
    for (int k = 0; k < 2; k++) {
      assertEquals(expected.params().get("phi")[k], file.get("params").get("phi").get(k).asDouble(), 0.0);
      for (int i = 0; i < 2; i++) {
        assertEquals(expected.params().get("mu")[k * 2 + i], file.get("params").get("mu").get(k).get(i).asDouble(), 0.0);
      }
    }

    ReadFlags.reset(new ByteArrayInputStream(Files.readAllBytes(FAITHFUL)));
    JsonNode stdin = run("-");
    assertEquals(file.get("params"), stdin.get("params"));
    // Standard input is read once: its log-likelihood is the running estimate, below the final parameters'.
    assertTrue(stdin.get("online").get("logLikelihoodBasis").asText().startsWith("running estimate"));
    assertTrue(stdin.get("logLikelihood").asDouble() < file.get("logLikelihood").asDouble());
  }

  /** Factor analysis runs online too (its statistics kept as moments), and standard input gives the file's fit. */
  @Test
  void factorAnalysisFromAFileAndFromStandardInputGiveOneFit() throws Exception {
    Path wine = Path.of("examples/data/wine.csv");
    Path fromFile = dir.resolve("file.json");
    CliTest.Run r = CliTest.emc("fit", "examples/factor.model", "--data", wine.toString(), "--online", "--batch", "200",
        "--out", fromFile.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("online EM: one pass, 1 batch of 200 rows (the last 178)"), r.out());
    ReadFlags.reset(new ByteArrayInputStream(Files.readAllBytes(wine)));
    Path fromStdin = dir.resolve("stdin.json");
    CliTest.Run s = CliTest.emc("fit", "examples/factor.model", "--data", "-", "--online", "--batch", "200",
        "--out", fromStdin.toString());
    assertEquals(0, s.code(), s.err());
    JsonNode file = new ObjectMapper().readTree(fromFile.toFile());
    JsonNode stdin = new ObjectMapper().readTree(fromStdin.toFile());
    assertEquals(file.get("params"), stdin.get("params"));
    for (String p : new String[] {"W", "mu", "Psi"}) {
      assertTrue(file.get("params").has(p), p);
    }
  }

  private static void refused(String message, String... args) {
    CliTest.Run r = CliTest.emc(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("emc: error: " + message + "\n", r.err());
  }

  @Test
  void badFlagsAndModelsItCannotFitGetOneMessageAndExitTwo() {
    String[] base = {"fit", "examples/gmm.model", "--data", FAITHFUL.toString(), "--online"};
    refused("--step-decay must be in (0.5, 1] (so that the steps γ_t add up to infinity and their squares do not),"
        + " not 0.5 (see emc fit --help)", concat(base, "--step-decay", "0.5"));
    refused("--step-decay must be in (0.5, 1] (so that the steps γ_t add up to infinity and their squares do not),"
        + " not 1.2 (see emc fit --help)", concat(base, "--step-decay", "1.2"));
    refused("--batch must be at least 1 row, not 0 (see emc fit --help)", concat(base, "--batch", "0"));
    refused("--batch needs --online (see emc fit --help)",
        "fit", "examples/gmm.model", "--data", FAITHFUL.toString(), "--batch", "10");
    refused("--bootstrap does not apply to --online, which reads the rows once, batch by batch, and keeps none of"
        + " them (see emc fit --help)", concat(base, "--bootstrap", "10"));
    refused("--engine does not apply to --online, which reads the rows once, batch by batch, and keeps none of"
        + " them (see emc fit --help)", concat(base, "--engine", "spark"));
    refused("model hmm cannot be fitted online: its latent is a Markov chain along each sequence, whose E-step needs"
        + " the whole sequence, and a batch of rows cuts sequences; fit it in memory or with --stream",
        "fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--online");
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
