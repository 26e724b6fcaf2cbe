package dev.emc.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A numeric table read from a CSV file with a header row: every cell a finite number.
 * Values are row-major; each row remembers its line in the file, so that later checks (a count
 * that is not an integer) can say where.
 */
public record Table(String source, List<String> header, double[] values, int rows, int[] lines) {

  /** A plain decimal number; Java's own parser would also take "NaN", "1d" and hex floats. */
  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  public int columns() {
    return header.size();
  }

  public double get(int row, int column) {
    return values[row * header.size() + column];
  }

  /** Reads a CSV file; every problem is a {@link DataException} with its line and column. */
  public static Table read(Path path) throws DataException {
    String name = path.toString();
    try {
      Table fast = readFast(name, path);
      if (fast != null) {
        return fast;
      }
    } catch (IOException e) {
      // The general reader below reports it.
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(name, reader, path);
    } catch (NoSuchFileException e) {
      throw new DataException(name, "cannot read the file: no such file");
    } catch (CharacterCodingException e) {
      throw new DataException(name, "the file is not UTF-8 text");
    } catch (IOException e) {
      throw new DataException(name, "cannot read the file: " + e.getMessage());
    }
  }

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).get();

  /**
   * The file read by {@link FastCsv}, or null when it needs the general reader: its header is
   * read, and checked, by the general one.
   */
  private static Table readFast(String name, Path path) throws IOException, DataException {
    List<String> header;
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, FORMAT)) {
      java.util.Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        return null;
      }
      CSVRecord first = records.next();
      if (parser.getCurrentLineNumber() != 1) {
        return null;
      }
      header = header(first, name, path, 1);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      return null;
    }
    int width = header.size();
    double[][] values = {new double[1 << 16]};
    int[][] lines = {new int[1 << 12]};
    int[] rows = {0};
    boolean whole = FastCsv.read(path, 1, width, (row, line) -> {
      int n = rows[0];
      if ((n + 1) * width > values[0].length) {
        values[0] = java.util.Arrays.copyOf(values[0], Math.max(values[0].length * 2, (n + 1) * width));
      }
      if (n == lines[0].length) {
        lines[0] = java.util.Arrays.copyOf(lines[0], n * 2);
      }
      System.arraycopy(row, 0, values[0], n * width, width);
      lines[0][n] = line;
      rows[0] = n + 1;
    });
    if (!whole || rows[0] == 0) {
      return null;
    }
    return new Table(name, header, java.util.Arrays.copyOf(values[0], rows[0] * width), rows[0],
        java.util.Arrays.copyOf(lines[0], rows[0]));
  }

  private static List<String> header(CSVRecord record, String name, Path path, int line) throws DataException {
    List<String> header = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < record.size(); c++) {
      String h = record.get(c).strip();
      if (h.isEmpty()) {
        throw at(name, path, line, c, "column " + (c + 1) + " of the header has no name");
      }
      if (!seen.add(h)) {
        throw at(name, path, line, c, "the header names column " + h + " twice");
      }
      header.add(h);
    }
    return List.copyOf(header);
  }

  static Table read(String name, Reader reader, Path path) throws IOException, DataException {
    try (CSVParser parser = CSVParser.parse(reader, FORMAT)) {
      List<String> header = null;
      double[] values = new double[1024];
      int[] lines = new int[64];
      int rows = 0;
      for (CSVRecord record : parser) {
        int line = (int) parser.getCurrentLineNumber();
        if (header == null) {
          header = header(record, name, path, line);
          continue;
        }
        if (record.size() == 1 && record.get(0).isBlank() && header.size() > 1) {
          continue; // a blank line
        }
        if (record.size() != header.size()) {
          // Point at the first value too many, or at the end of a row that stops short.
          String text = lineText(path, line);
          int[] span = record.size() > header.size() ? cellSpan(text, header.size())
              : new int[] {text == null ? 0 : text.length(), 1};
          throw new DataException(name, line, span[0] + 1, span[1], text, "this row has " + record.size()
              + (record.size() == 1 ? " value" : " values") + ", but the header has " + header.size() + " columns");
        }
        if ((rows + 1) * header.size() > values.length) {
          values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, (rows + 1) * header.size()));
        }
        if (rows == lines.length) {
          lines = java.util.Arrays.copyOf(lines, lines.length * 2);
        }
        for (int c = 0; c < header.size(); c++) {
          values[rows * header.size() + c] = number(record.get(c), name, path, line, c, header.get(c));
        }
        lines[rows] = line;
        rows++;
      }
      if (header == null) {
        throw new DataException(name, "the file is empty; it needs a header row and data rows");
      }
      if (rows == 0) {
        throw new DataException(name, "the file has a header but no data rows");
      }
      return new Table(name, List.copyOf(header), java.util.Arrays.copyOf(values, rows * header.size()),
          rows, java.util.Arrays.copyOf(lines, rows));
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      // commons-csv reports malformed quoting this way.
      throw new DataException(name, "not well-formed CSV: " + e.getMessage());
    }
  }

  private static double number(String cell, String name, Path path, int line, int column, String header)
      throws DataException {
    String text = cell.strip();
    if (text.isEmpty()) {
      throw at(name, path, line, column, "the cell in column " + header + " is empty");
    }
    if (!DECIMAL.matcher(text).matches()) {
      boolean special = text.matches("(?i)[+-]?(nan|inf|infinity)");
      throw at(name, path, line, column, "`" + text + "` in column " + header
          + (special ? " is not a finite number" : " is not a number"));
    }
    double v = Double.parseDouble(text);
    if (!Double.isFinite(v)) {
      throw at(name, path, line, column, "`" + text + "` in column " + header + " is too large");
    }
    return v;
  }

  private static DataException at(String name, Path path, int line, int column, String message) {
    String text = lineText(path, line);
    int[] span = cellSpan(text, column);
    return new DataException(name, line, span[0] + 1, span[1], text, message);
  }

  /** The line's text, read again only when there is an error to show. */
  static String lineText(Path path, int line) {
    if (path == null) {
      return null;
    }
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String s = null;
      for (int i = 0; i < line; i++) {
        s = r.readLine();
      }
      return s;
    } catch (IOException e) {
      return null;
    }
  }

  /** Start (0-based) and width of the {@code column}-th comma-separated cell, honouring quotes. */
  static int[] cellSpan(String line, int column) {
    if (line == null) {
      return new int[] {0, 0};
    }
    int start = 0;
    int cell = 0;
    boolean quoted = false;
    for (int i = 0; i <= line.length(); i++) {
      char c = i < line.length() ? line.charAt(i) : ',';
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        if (cell == column) {
          int s = start;
          int e = i;
          while (s < e && line.charAt(s) == ' ') {
            s++;
          }
          while (e > s && line.charAt(e - 1) == ' ') {
            e--;
          }
          return new int[] {s, Math.max(1, e - s)};
        }
        cell++;
        start = i + 1;
      }
    }
    return new int[] {0, 0};
  }
}
