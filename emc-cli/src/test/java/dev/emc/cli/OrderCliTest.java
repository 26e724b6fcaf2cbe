package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.CliTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `emc fit --order-by`: fits that find one optimum under different labels print it alike. */
class OrderCliTest {
  private static final String FAITHFUL = "examples/data/faithful.csv";

  /** The printed parameters: the lines between the criteria and the timing. */
  private static String params(Run r) {
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    return out.substring(out.indexOf("\n\n") + 2, out.indexOf("\ntime:"));
  }

  private static Run fit(String... more) {
    // Converged tightly, so that the two optima agree to the digits printed.
    String[] common = {"fit", "examples/gmm.model", "--data", FAITHFUL, "--init-method", "random", "--tol", "1e-14"};
    String[] args = new String[common.length + more.length];
    System.arraycopy(common, 0, args, 0, common.length);
    System.arraycopy(more, 0, args, common.length, more.length);
    return CliTest.emc(args);
  }

  @Test
  void twoSeedsThatFindTheOptimumUnderSwitchedLabelsPrintTheSameParametersOnceOrdered(@TempDir Path dir)
      throws Exception {
    // From random responsibilities, seeds 1 and 2 reach the reference optimum with the components
    // the other way round (the first lines below tell them apart).
    String one = params(fit("--seed", "1", "--order-by", "none"));
    String two = params(fit("--seed", "2", "--order-by", "none"));
    assertNotEquals(one, two);
    assertTrue(one.contains("0.355873     0.644127") && two.contains("0.644127     0.355873"), one + two);
    Path json = dir.resolve("fit.json");
    String first = params(fit("--seed", "1", "--out", json.toString()));
    assertEquals(first, params(fit("--seed", "2")));
    assertEquals(two, first); // by weight: the larger first
    JsonNode order = new ObjectMapper().readTree(json.toFile()).get("order");
    assertEquals("weight", order.get("by").asText());
    assertEquals("[2,1]", order.get("fitted").toString());
    assertEquals(params(fit("--seed", "1", "--order-by", "mu[1]")), params(fit("--seed", "2", "--order-by", "mu[1]")));
    assertEquals(one, params(fit("--seed", "2", "--order-by", "mu[1]"))); // the shorter eruptions first
  }

  @Test
  void anOrderTheModelCannotTakeIsOneMessage() {
    Run r = fit("--order-by", "A");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--order-by A: model gmm has no parameter A"), r.err());
    Run bad = fit("--order-by", "mu[one]");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--order-by is weight, none, a parameter"), bad.err());
    Run labels = CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful-missing-labels.csv",
        "--labels", "label", "--order-by", "weight");
    assertEquals(2, labels.code());
    assertTrue(labels.err().contains("component k is the one labelled k"), labels.err());
  }
}
