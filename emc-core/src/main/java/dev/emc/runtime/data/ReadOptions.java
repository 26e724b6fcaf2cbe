package dev.emc.runtime.data;

import java.util.List;
import java.util.Optional;

/**
 * How a data file's text is read: what separates its cells, and which cells mean "no value".
 *
 * @param delimiter the character between cells; empty to detect it from the header row (the most
 *     frequent of comma, tab and semicolon outside quotes; a comma when there is none)
 * @param na the cells, as written (spaces around them ignored), that mean a value is missing, as an
 *     empty cell always does: the binder then rejects them or, with {@code --missing marginalize},
 *     the fit integrates them out
 */
public record ReadOptions(Optional<Character> delimiter, List<String> na) {
  /** R's and pandas' usual spellings of a missing value. */
  public static final List<String> NA = List.of("NA", "NaN");

  /** The delimiters that are detected: a file with another one needs it given. */
  static final char[] DETECTED = {',', '\t', ';'};

  public ReadOptions {
    na = List.copyOf(na);
    if (delimiter.isPresent() && (delimiter.get() == '"' || delimiter.get() == '\n' || delimiter.get() == '\r')) {
      throw new IllegalArgumentException("a cell delimiter cannot be a quote or a line break");
    }
  }

  public static ReadOptions defaults() {
    return new ReadOptions(Optional.empty(), NA);
  }

  public ReadOptions withDelimiter(char d) {
    return new ReadOptions(Optional.of(d), na);
  }

  public ReadOptions withNa(List<String> tokens) {
    return new ReadOptions(delimiter, tokens);
  }

  /** Whether a cell, stripped, means a missing value. */
  boolean missing(String cell) {
    return cell.isEmpty() || na.contains(cell);
  }

  /**
   * The delimiter of a file whose header row is {@code header}: the given one, or the detected
   * character that occurs most often outside quotes (a comma on a tie or when none does).
   */
  public char delimiterOf(String header) {
    if (delimiter.isPresent()) {
      return delimiter.get();
    }
    int[] counts = new int[DETECTED.length];
    boolean quoted = false;
    for (int i = 0; header != null && i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      for (int d = 0; d < DETECTED.length && !quoted; d++) {
        counts[d] += c == DETECTED[d] ? 1 : 0;
      }
    }
    int best = 0;
    for (int d = 1; d < DETECTED.length; d++) {
      if (counts[d] > counts[best]) {
        best = d;
      }
    }
    return DETECTED[best];
  }
}
