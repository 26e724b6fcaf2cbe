package dev.emc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a file's text is read: its delimiter, its NA tokens, gzip, and columns of words. */
class ReadOptionsTest {
  @TempDir
  Path dir;

  private Table read(String name, String text, ReadOptions options) throws Exception {
    Path file = Files.writeString(dir.resolve(name), text);
    return Table.read(file, file.toString(), options);
  }

  @Test
  void theDelimiterIsTheHeadersMostFrequentOfCommaTabAndSemicolon() {
    ReadOptions o = ReadOptions.defaults();
    assertEquals(',', o.delimiterOf("a,b,c"));
    assertEquals('\t', o.delimiterOf("a\tb\tc"));
    assertEquals(';', o.delimiterOf("a;b;c"));
    assertEquals('\t', o.delimiterOf("\"a,1\"\tb")); // a comma inside quotes is a name's
    assertEquals(',', o.delimiterOf("x")); // one column: nothing to tell
    assertEquals(',', o.delimiterOf(null));
    assertEquals('|', o.withDelimiter('|').delimiterOf("a,b|c"));
  }

  @Test
  void everyDelimiterReadsTheSameNumbers() throws Exception {
    double[] expected = {1.5, -2, 3e2, 4};
    assertArrayEquals(expected, read("c.csv", "a,b\n1.5,-2\n3e2,4\n", ReadOptions.defaults()).values());
    assertArrayEquals(expected, read("t.tsv", "a\tb\n1.5\t-2\n3e2\t4\n", ReadOptions.defaults()).values());
    assertArrayEquals(expected, read("s.txt", "a;b\n1.5;-2\n3e2;4\n", ReadOptions.defaults()).values());
    assertArrayEquals(expected, read("p.txt", "a|b\n1.5|-2\n3e2|4\n", ReadOptions.defaults().withDelimiter('|'))
        .values());
    // The general reader too (a quoted cell sends the file there), with each row's line.
    Table quoted = read("q.tsv", "a\tb\n\"1.5\"\t-2\n3e2\t4\n", ReadOptions.defaults());
    assertArrayEquals(expected, quoted.values());
    assertArrayEquals(new int[] {2, 3}, quoted.lines());
  }

  @Test
  void theFastReaderTakesTabsAndGzip() throws Exception {
    Path tsv = Files.writeString(dir.resolve("f.tsv"), "a\tb\n1.5\t-2\n3e2\t4\n");
    assertTrue(FastCsv.read(tsv, 1, 2, (byte) '\t', (v, line) -> { }));
    assertFalse(FastCsv.read(tsv, 1, 2, (byte) ',', (v, line) -> { }));
    Path gz = dir.resolve("f.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tsv, out);
    }
    assertTrue(FastCsv.read(gz, 1, 2, (byte) '\t', (v, line) -> { }));
    Table t = Table.read(gz);
    assertEquals(List.of("a", "b"), t.header());
    assertArrayEquals(new double[] {1.5, -2, 3e2, 4}, t.values());
  }

  @Test
  void naTokensAndEmptyCellsAreMissing() throws Exception {
    Table t = read("na.csv", "a,b\nNA,1\n2,NaN\n,3\n", ReadOptions.defaults());
    assertTrue(t.isMissing(0, 0) && t.isMissing(1, 1) && t.isMissing(2, 0));
    assertFalse(t.hasText(0) || t.hasText(1));
    // Other tokens replace NA and NaN; an empty cell stays missing.
    Table dots = read("dots.csv", "a,b\n.,1\nNA,2\n,3\n", ReadOptions.defaults().withNa(List.of(".")));
    assertTrue(dots.isMissing(0, 0) && dots.isMissing(2, 0));
    assertFalse(dots.isMissing(1, 0));
    assertTrue(dots.hasText(0));
    assertEquals("`NA` in column a is not a number", dots.notNumbers(0).getMessage());
    assertEquals(3, dots.notNumbers(0).line());
  }

  @Test
  void aColumnOfWordsIsKeptAsWrittenAndAnErrorOnlyWhereTaken() throws Exception {
    Table t = read("w.tsv", "id\tx\tkind\n7\t1\tlong\nb\t2\tNA\n", ReadOptions.defaults());
    assertTrue(t.hasText(0));
    assertFalse(t.isWords(0)); // "7" is a number: a column of numbers with a mistake in it
    assertTrue(t.isWords(2));
    assertFalse(t.hasText(1));
    assertEquals("7", t.cell(0, 0));
    assertEquals("b", t.cell(1, 0));
    assertNull(t.cell(1, 2));
    DataException e = t.notNumbers(2);
    assertEquals("`long` in column kind is not a number", e.getMessage());
    assertEquals(2, e.line());
    assertEquals(5, e.column()); // after "7<tab>1<tab>", tab-separated
    assertEquals(4, e.width());
    assertNull(t.notNumbers(1));
    // A vector variable leaves the words out, but not the column of numbers with a mistake in it.
    Binder.Spec x = new Binder.Spec("x", "real", -1, 0);
    DataException bad = assertThrows(DataException.class, () -> Binder.bind(List.of(x), t, java.util.Optional.empty()));
    assertEquals("`b` in column id is not a number", bad.getMessage());
    Binder.Binding b = Binder.bind(List.of(x), t.without(0), java.util.Optional.empty());
    assertArrayEquals(new int[] {0}, b.columns().get("x"));
  }
}
