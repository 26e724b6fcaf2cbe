package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emc fit} on a hidden Markov model: sequences, the Viterbi path, and what it refuses. */
class HmmCliTest {
  private static final String DATA = "examples/data/hmm.csv";

  @Test
  void theCliWritesTheViterbiPathAndRefusesInterleavedSequences(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("path.csv");
    CliTest.Run run = CliTest.emc("fit", "examples/hmm.model", "--data", DATA, "--sequence", "seq",
        "--viterbi", path.toString(), "-q");
    assertEquals(0, run.code(), run.err());
    List<String> lines = Files.readAllLines(path);
    assertEquals("state", lines.get(0));
    assertEquals(1201, lines.size());
    Path interleaved = dir.resolve("interleaved.csv");
    Files.writeString(interleaved, "seq,x\n1,0.5\n2,0.1\n1,0.3\n2,2.0\n");
    run = CliTest.emc("fit", "examples/hmm.model", "--data", interleaved.toString(), "--sequence", "seq");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith(interleaved + ":4:1: error: sequence 1 continues after other sequences' rows"),
        run.err());
  }

  @Test
  void deriveWritesTheForwardBackwardRecursions() {
    CliTest.Run run = CliTest.emc("derive", "examples/hmm.model");
    assertEquals(0, run.code(), run.err());
    // α_nk = b_nk Σ_j α_{n−1,j} A_jk / c_n and A_jk = T_jk / Σ_l T_jl (Bishop §13.2, scaled).
    assertTrue(run.out().contains("\\alpha_{n k}=\\frac{b_{n k}\\sum_{j=1}^{K} \\alpha_{n-1,j}A_{\\mathit{jk}}}{c_{n}}"),
        run.out());
    assertTrue(run.out().contains("A_{\\mathit{jk}}=\\frac{T_{\\mathit{jk}}}{\\sum_{l=1}^{K} T_{\\mathit{jl}}}"));
  }

  @Test
  void viterbiNeedsAChain(@TempDir Path dir) {
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv",
        "--viterbi", dir.resolve("p.csv").toString());
    assertEquals(2, run.code());
    assertTrue(run.err().contains("has no latent chain"), run.err());
    assertTrue(!Files.exists(dir.resolve("p.csv")));
  }
}
