package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import org.junit.jupiter.api.Test;

/** emc fit --bootstrap-kind parametric: a hidden Markov model's replicates, and what it refuses. */
class BootstrapCliTest {
  @Test
  void aHiddenMarkovModelIsBootstrappedParametrically() {
    Run r = CliTest.emc("fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--sequence", "seq",
        "--bootstrap", "5", "--bootstrap-kind", "parametric");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("parametric"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
  }

  @Test
  void theNonparametricBootstrapOfAChainPointsToTheParametric() {
    Run r = CliTest.emc("fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--sequence", "seq",
        "--bootstrap", "5");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("--bootstrap-kind parametric draws new data sets instead"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void labelledRowsAreRefused() {
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful-missing-labels.csv", "--labels",
        "label", "--bootstrap", "5", "--bootstrap-kind", "parametric");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--bootstrap-kind parametric draws new rows, which have no labels"), r.err());
  }
}
