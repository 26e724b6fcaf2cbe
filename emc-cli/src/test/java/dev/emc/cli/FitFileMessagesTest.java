package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit's file as --init and --params read it: sizes come from its params when it has no sizes
 * block, and every message about it names the file and the key.
 */
class FitFileMessagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FAITHFUL = "examples/data/faithful.csv";
  @TempDir static Path dir;
  private static Path fit;

  /** A fit with K = 3, so that sizes read from the file differ from the model's K = 2. */
  @BeforeAll
  static void fitThree() {
    fit = dir.resolve("fit.json");
    CliTest.Run r = CliTest.emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--set", "K=3", "--out",
        fit.toString(), "-q");
    assertEquals(0, r.code(), r.err());
  }

  private static Path edited(String name, Consumer<ObjectNode> edit) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(fit.toFile());
    edit.accept(json);
    Path file = dir.resolve(name);
    Files.writeString(file, json.toString());
    return file;
  }

  @Test
  void withoutSizesTheParamsGiveThem() throws Exception {
    String withSizes = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", FAITHFUL).out();
    Path noSizes = edited("nosizes.json", j -> j.remove("sizes"));
    CliTest.Run predict = CliTest.emc("predict", "examples/gmm.model", "--params", noSizes.toString(), "--data", FAITHFUL);
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().startsWith("r1,r2,r3,component"), predict.out());
    assertEquals(withSizes, predict.out());
    // The params alone, as a user might write them by hand: K = 3 and D = 2 from their arrays.
    Path onlyParams = edited("params.json", j -> j.retain("params"));
    CliTest.Run simulate = CliTest.emc("simulate", "examples/gmm.model", "--params", onlyParams.toString(), "-n", "3");
    assertEquals(0, simulate.code(), simulate.err());
    assertEquals(4, simulate.out().lines().count(), simulate.out());
  }

  @Test
  void everyMessageNamesTheFileAndTheKey() throws Exception {
    record Case(String name, Consumer<ObjectNode> edit, String message) {}
    List<Case> cases = List.of(
        new Case("conflict", j -> {
          j.remove("sizes");
          ((ArrayNode) j.get("params").get("mu")).set(0, JSON.createArrayNode().add(1).add(2).add(3));
        }, "params.Sigma[0] is an array of 2, so D = 2, but params.mu[0] makes D = 3"),
        new Case("nomu", j -> ((ObjectNode) j.get("params")).remove("mu"), "params has no mu, which model gmm needs"),
        new Case("notpd", j -> ((ArrayNode) j.get("params").get("Sigma")).set(0,
            JSON.createArrayNode().add(JSON.createArrayNode().add(1).add(2)).add(JSON.createArrayNode().add(2).add(1))),
            "params.Sigma[0] (component 1) is not positive definite"),
        new Case("badsize", j -> ((ObjectNode) j.get("sizes")).put("K", "three"), "sizes.K must be a whole number"),
        new Case("noparams", j -> j.remove("params"), "there is no \"params\" object"));
    for (Case c : cases) {
      Path file = edited(c.name() + ".json", c.edit());
      for (String[] args : List.of(
          new String[] {"predict", "examples/gmm.model", "--params", file.toString(), "--data", FAITHFUL},
          new String[] {"simulate", "examples/gmm.model", "--params", file.toString(), "-n", "2"},
          // --init reads the file at the model's own sizes, K = 3 as the file's.
          new String[] {"fit", "examples/gmm.model", "--set", "K=3", "--init", file.toString(), "--data", FAITHFUL})) {
        CliTest.Run r = CliTest.emc(args);
        if (args[0].equals("fit") && c.name().equals("badsize")) {
          assertEquals(0, r.code(), r.err()); // --init reads the params alone
          continue;
        }
        assertEquals(2, r.code(), c.name() + " " + args[0] + ": " + r.err());
        // --init reads the params at the sizes the model is fitted with, not the file's.
        String message = args[0].equals("fit") && c.name().equals("conflict")
            ? "params.mu[0] must be an array of 2, not of 3" : c.message();
        assertTrue(r.err().startsWith(file + ": error: " + message), c.name() + " " + args[0] + ": " + r.err());
      }
    }
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"params\": {");
    CliTest.Run r = CliTest.emc("fit", "examples/gmm.model", "--init", broken.toString(), "--data", FAITHFUL);
    assertEquals(broken + ":1:13: error: not valid JSON: Unexpected end-of-input: expected close marker for Object"
        + " (start marker at [line: 1, column: 12])", r.err().lines().findFirst().orElseThrow());
  }
}
