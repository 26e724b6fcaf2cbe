package dev.emc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast reader against the general one and against Double.parseDouble, bit for bit. */
class FastCsvTest {
  @TempDir
  Path dir;

  /** Both readers on one file: the same header, values (as bits) and line numbers. */
  private static void assertBothRead(Path file, boolean fastPath) throws Exception {
    Table fast = Table.read(file);
    assertEquals(fastPath, FastCsv.read(file, 1, fast.columns(), (values, line) -> { }), "the fast path reads " + file);
    Table general;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      general = Table.read(file.toString(), r, file);
    }
    assertEquals(general.header(), fast.header());
    assertEquals(general.rows(), fast.rows());
    for (int i = 0; i < general.values().length; i++) {
      assertEquals(Double.doubleToRawLongBits(general.values()[i]), Double.doubleToRawLongBits(fast.values()[i]),
          file + " value " + i + ": " + general.values()[i] + " vs " + fast.values()[i]);
    }
    assertArrayEquals(general.lines(), fast.lines(), "line numbers");
  }

  @Test
  void theExamplesReadTheSameEitherWay() throws Exception {
    try (var files = Files.list(Path.of("examples/data"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".csv"))::iterator) {
        // Empty cells (faithful-missing.csv) are the general reader's: the fast one declines them.
        assertBothRead(f, !f.getFileName().toString().contains("missing"));
      }
    }
  }

  @Test
  void numbersInEveryShapeReadAsParseDoubleReadsThem() throws Exception {
    SplittableRandom rng = new SplittableRandom(3);
    StringBuilder text = new StringBuilder("a, b ,c\r\n");
    String[] fixed = {"0", "-0", "+1", ".5", "1.", "-.25", "1e3", "1E-3", "2.5e+10", "123456789012345678",
        "  7  ", "00012.500", "0.0000000000000000000001", "9007199254740991"};
    for (int i = 0; i < fixed.length; i++) {
      text.append(fixed[i]).append(',').append(fixed[(i + 5) % fixed.length]).append(",1\r\n");
    }
    for (int i = 0; i < 20_000; i++) {
      double v = rng.nextGaussian() * Math.pow(10, rng.nextInt(-30, 30));
      String a = switch (i % 4) {
        case 0 -> Double.toString(v);
        case 1 -> String.format(Locale.ROOT, "%.6f", v);
        case 2 -> String.format(Locale.ROOT, "%.17g", v);
        default -> Long.toString(rng.nextLong(-1_000_000_000_000L, 1_000_000_000_000L));
      };
      text.append(a).append(',').append(rng.nextInt(100)).append(',').append(String.format(Locale.ROOT, "%.3e", v))
          .append('\n');
    }
    Path file = dir.resolve("shapes.csv");
    Files.writeString(file, text);
    assertBothRead(file, true);
    // Numbers beyond one exact operation go to Double.parseDouble; a number too large for a
    // double goes to the general reader, which says so.
    String[] hard = {"1234567890123456789012345", "1e-300", "4.9e-324", "9007199254740993", "1.7976931348623157e308",
        "1.234567890123456789e+00", "9999999999999999999", "-12345678901234567890.5"};
    for (int i = 0; i < hard.length; i++) {
      Path file2 = dir.resolve("hard" + i + ".csv");
      Files.writeString(file2, "x\n1\n" + hard[i] + "\n");
      assertBothRead(file2, true);
    }
    Path huge = dir.resolve("huge.csv");
    Files.writeString(huge, "x\n1\n1e400\n");
    assertEquals(false, FastCsv.read(huge, 1, 1, (values, line) -> { }));
  }

  @Test
  void anythingUnusualFallsBackToTheGeneralReader() throws Exception {
    String[] files = {"x,y\n1,2\n\n3,4\n", "x,y\n\"1\",2\n", "x,y\n1,2\n3,4\n\n", "x,y\n1\t,2\n"};
    for (int i = 0; i < files.length; i++) {
      Path file = dir.resolve("f" + i + ".csv");
      Files.writeString(file, files[i]);
      assertBothRead(file, false);
    }
    Path last = dir.resolve("last.csv");
    Files.writeString(last, "x\n1\n2");
    assertBothRead(last, true);
  }
}
