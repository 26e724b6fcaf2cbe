package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `emc fit --missing`: empty cells are an error at their place unless the fit is to integrate them out. */
class MissingCliTest {
  private static final String DATA = "examples/data/faithful-missing.csv";

  @Test
  void anEmptyCellIsAnErrorAtItsPlaceUnlessMarginalized(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fit.json");
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", DATA, "--out", out.toString());
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith(DATA + ":2:1: error: the cell in column eruptions is empty (emc fit --missing"
        + " marginalize"), run.err());
    assertFalse(Files.exists(out));

    run = CliTest.emc("fit", "examples/gmm.model", "--data", DATA, "--missing", "marginalize", "--out", out.toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("272 rows"), run.out());
    assertTrue(Files.readString(out).contains("\"logLikelihood\""));
  }

  @Test
  void marginalizeNeedsRowsInMemoryAndAKnownWord() {
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", DATA, "--missing", "marginalize", "--stream");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--missing marginalize needs the rows in memory"), run.err());
    run = CliTest.emc("fit", "examples/gmm.model", "--data", DATA, "--missing", "impute");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--missing is reject or marginalize, not impute"), run.err());
  }
}
