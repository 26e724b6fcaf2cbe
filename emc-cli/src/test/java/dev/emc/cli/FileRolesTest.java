package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emc.cli.CliTest.Run;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.DiagnosticPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs never overwrite inputs, nor each other, and one that cannot be written is found before
 * any work: each case is exit 2 with one message naming the files, and every file is left as it was.
 */
class FileRolesTest {
  @TempDir Path dir;
  Path model;
  Path data;
  Path fit;

  @BeforeEach
  void files() throws Exception {
    model = dir.resolve("gmm.model");
    Files.copy(Path.of("examples/gmm.model"), model);
    data = dir.resolve("d.csv");
    Files.copy(Path.of("examples/data/faithful.csv"), data);
    fit = dir.resolve("fit.json");
    assertEquals(0, CliTest.emc("fit", model.toString(), "--data", data.toString(), "--out", fit.toString(),
        "--max-iter", "5", "-q").code());
  }

  /** Runs emc; the files in {@code dir} must be unchanged, and the message is returned. */
  private String refused(String... args) throws Exception {
    List<Path> files = List.of(model, data, fit);
    List<byte[]> before = files.stream().map(FileRolesTest::bytes).toList();
    Run r = CliTest.emc(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    for (int i = 0; i < files.size(); i++) {
      assertEquals(new String(before.get(i)), new String(bytes(files.get(i))), files.get(i) + " is unchanged");
    }
    return r.err();
  }

  /** The message for output {@code out} named as the input {@code in}. */
  private static String overwrite(String outOption, Path out, String inOption, Path in) {
    return "emc: error: " + outOption + " " + out + " would overwrite the input " + inOption + " " + in + "\n";
  }

  private static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void fitOutIsNotItsData() throws Exception {
    assertEquals(overwrite("--out", data, "--data", data),
        refused("fit", model.toString(), "--data", data.toString(), "--out", data.toString()));
  }

  @Test
  void theSameFileSpelledAnotherWayIsStillTheSameFile() throws Exception {
    Path other = dir.resolve("sub/../d.csv");
    Path link = dir.resolve("link.csv");
    Files.createSymbolicLink(link, data);
    assertEquals(overwrite("--out", other, "--data", data),
        refused("fit", model.toString(), "--data", data.toString(), "--out", other.toString()));
    assertEquals(overwrite("--viterbi", link, "--data", data),
        refused("fit", model.toString(), "--data", data.toString(), "--viterbi", link.toString()));
  }

  @Test
  void fitPlotViterbiAndInitAgainstTheModelAndTheStart() throws Exception {
    Path svgModel = dir.resolve("m.svg");
    Files.copy(model, svgModel);
    assertEquals(overwrite("--plot", svgModel, "MODEL", svgModel),
        refused("fit", svgModel.toString(), "--data", data.toString(), "--plot", svgModel.toString()));
    assertEquals(overwrite("--viterbi", model, "MODEL", model),
        refused("fit", model.toString(), "--data", data.toString(), "--viterbi", model.toString()));
    assertEquals(overwrite("--out", fit, "--init", fit),
        refused("fit", model.toString(), "--data", data.toString(), "--init", fit.toString(), "--out", fit.toString()));
  }

  @Test
  void twoOutputsNamingOneFile() throws Exception {
    Path svg = dir.resolve("f.svg");
    assertEquals("emc: error: --out " + svg + " and --plot " + svg + " name the same file\n",
        refused("fit", model.toString(), "--data", data.toString(), "--out", svg.toString(), "--plot", svg.toString()));
    Path rows = dir.resolve("rows.csv");
    assertEquals("emc: error: --out " + rows + " and --latents " + rows + " name the same file\n",
        refused("simulate", model.toString(), "--params", fit.toString(), "-n", "5", "-o", rows.toString(),
            "--latents", rows.toString()));
  }

  @Test
  void predictAndSimulateOutputsAgainstTheirInputs() throws Exception {
    assertEquals(overwrite("--out", data, "--data", data),
        refused("predict", model.toString(), "--params", fit.toString(), "--data", data.toString(),
            "-o", data.toString()));
    assertEquals(overwrite("--out", fit, "--params", fit),
        refused("predict", model.toString(), "--params", fit.toString(), "--data", data.toString(),
            "-o", fit.toString()));
    assertEquals(overwrite("--out", fit, "--params", fit),
        refused("simulate", model.toString(), "--params", fit.toString(), "-n", "5", "-o", fit.toString()));
    assertEquals(overwrite("--latents", fit, "--params", fit),
        refused("simulate", model.toString(), "--params", fit.toString(), "-n", "5", "--latents", fit.toString()));
  }

  @Test
  void compileAndDeriveOutputsAgainstTheModelTheDataAndAPlugin() throws Exception {
    // compile -o DIR writes DIR/<Class>.java, GmmModel.java for gmm.model: here the name of its data.
    Path source = dir.resolve("GmmModel.java");
    Files.copy(data, source);
    assertEquals(overwrite("--out", source, "--data", source),
        refused("compile", model.toString(), "--data", source.toString(), "-o", dir.toString()));
    assertEquals(overwrite("--out", model, "MODEL", model),
        refused("derive", model.toString(), "-o", model.toString()));
    // The jar is checked as a file named on the command line, before it is loaded.
    assertEquals(overwrite("--out", fit, "--plugin", fit),
        refused("--plugin", fit.toString(), "derive", model.toString(), "-o", fit.toString()));
  }

  @Test
  void anUnwritableOutputIsFoundBeforeTheData() throws Exception {
    // The data are bad too: the output's message comes first, so nothing was read or fitted.
    Files.writeString(data, "a,b\n1,x\n");
    Path under = data.resolve("fit.json");
    assertEquals("emc: error: cannot write --out " + under + ": " + data + " is not a directory\n",
        refused("fit", model.toString(), "--data", data.toString(), "--out", under.toString()));
    Path folder = Files.createDirectory(dir.resolve("pictures.svg"));
    assertEquals("emc: error: cannot write --plot " + folder + ": it is a directory\n",
        refused("fit", model.toString(), "--data", data.toString(), "--plot", folder.toString()));
    assertEquals("emc: error: cannot write --out /dev/null: it is not an ordinary file\n",
        refused("fit", model.toString(), "--data", data.toString(), "--out", "/dev/null"));
    assertEquals("emc: error: cannot write --out " + under + ": " + data + " is not a directory\n",
        refused("simulate", model.toString(), "--params", fit.toString(), "-n", "5", "-o", under.toString()));
    assertEquals("emc: error: cannot write --out " + data.resolve("GmmModel.java") + ": " + data + " is not a directory\n",
        refused("compile", model.toString(), "--set", "D=2", "-o", data.toString()));
    Path missing = dir.resolve("new/sub/fit.json");
    assertEquals(0, CliTest.emc("fit", model.toString(), "--data", "examples/data/faithful.csv", "--out",
        missing.toString(), "-q", "--max-iter", "2").code(), "a directory that can be created is fine");
    assertFalse(Files.exists(under));
  }

  @Test
  void aWriteThatFailsAfterTheCheckIsAMessageWithThePath() throws Exception {
    // The race the check cannot rule out: the output's directory is replaced by a file after it.
    Path sub = dir.resolve("sub");
    Files.createDirectory(sub);
    Path out = sub.resolve("fit.json");
    new FileRoles().writes("--out", out).check();
    Files.delete(sub);
    Files.writeString(sub, "now a file");
    DiagnosticException e = assertThrows(DiagnosticException.class, () -> FileRoles.write(out, "{}"));
    assertEquals("emc: error: cannot write " + out + ": not a directory: " + sub + "\n",
        DiagnosticPrinter.render(e.diagnostics()));
  }
}
