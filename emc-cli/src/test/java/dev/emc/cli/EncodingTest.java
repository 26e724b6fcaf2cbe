package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files as editors save them: a byte-order mark first is dropped; bytes that are not UTF-8 are an error at their place. */
class EncodingTest {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @TempDir Path dir;

  private Path withMark(String name, Path original) throws Exception {
    Path file = dir.resolve(name);
    byte[] text = Files.readAllBytes(original);
    byte[] marked = new byte[BOM.length + text.length];
    System.arraycopy(BOM, 0, marked, 0, BOM.length);
    System.arraycopy(text, 0, marked, BOM.length, text.length);
    Files.write(file, marked);
    return file;
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnsName() throws Exception {
    Path data = withMark("faithful.csv", Path.of("examples/data/faithful.csv"));
    Path fit = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", data.toString(), "--out", fit.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    String json = Files.readString(fit);
    assertTrue(json.contains("\"columns\" : [ \"eruptions\", \"waiting\" ]"), json);
    // The reference fit (DESIGN.md §4): the rows are all there.
    assertTrue(json.contains("\"logLikelihood\" : -1130.26396"), json);
  }

  @Test
  void aByteOrderMarkBeforeAModel() throws Exception {
    Path model = withMark("gmm.model", Path.of("examples/gmm.model"));
    Run r = CliTest.emc("check", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("model gmm (" + model + ") is well-formed"), r.out());
  }

  @Test
  void aModelInLatin1() throws Exception {
    Path model = dir.resolve("latin.model");
    Files.write(model, "model m;\n// café\nK = 2;\n".getBytes(StandardCharsets.ISO_8859_1));
    Run r = CliTest.emc("check", model.toString());
    assertEquals(2, r.code());
    assertEquals(model + ":2:7: error: not UTF-8 text (byte 0xE9); save the file as UTF-8\n"
        + "    // caf\uFFFD\n          ^\n", r.err());
  }
}
