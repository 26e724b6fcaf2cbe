package dev.emc.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
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
    Table[] whole = {null};
    stream(path, Integer.MAX_VALUE, new Slabs() {
      @Override
      public void accept(Table slab) {
        whole[0] = slab;
      }

      @Override
      public void restart() {
        whole[0] = null;
      }
    });
    return whole[0];
  }

  /** Receives a file's rows as tables of consecutive rows, in order. */
  public interface Slabs {
    void accept(Table slab) throws DataException, IOException;

    /** Forget every slab so far: the file is read again from its first row. */
    void restart() throws IOException;
  }

  /**
   * Reads a CSV file as tables of at most {@code slabRows} rows each, for data too large to hold
   * at once; every problem is a {@link DataException} with its line and column.
   */
  public static void stream(Path path, int slabRows, Slabs sink) throws DataException {
    String name = path.toString();
    try {
      if (readFast(name, path, slabRows, sink)) {
        return;
      }
    } catch (IOException e) {
      // The general reader below reports it.
    }
    try (Reader reader = TextFile.open(path)) {
      sink.restart();
      read(name, reader, path, slabRows, sink);
    } catch (NoSuchFileException e) {
      throw new DataException(name, "cannot read the file: no such file");
    } catch (CharacterCodingException e) {
      throw TextFile.notUtf8(path);
    } catch (IOException e) {
      throw new DataException(name, "cannot read the file: " + e.getMessage());
    }
  }

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).get();

  /** Rows gathered into slabs of at most {@code limit} rows, each handed on when full. */
  private static final class Gather {
    final String name;
    final List<String> header;
    final int limit;
    final Slabs sink;
    double[] values = new double[1024];
    int[] lines = new int[64];
    int rows;
    long total;

    Gather(String name, List<String> header, int limit, Slabs sink) {
      this.name = name;
      this.header = header;
      this.limit = limit;
      this.sink = sink;
    }

    void add(double[] row, int line) throws DataException, IOException {
      int width = header.size();
      if ((rows + 1) * width > values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, (rows + 1) * width));
      }
      if (rows == lines.length) {
        lines = java.util.Arrays.copyOf(lines, lines.length * 2);
      }
      System.arraycopy(row, 0, values, rows * width, width);
      lines[rows++] = line;
      total++;
      if (rows == limit) {
        flush();
      }
    }

    void flush() throws DataException, IOException {
      if (rows > 0) {
        sink.accept(new Table(name, header, java.util.Arrays.copyOf(values, rows * header.size()), rows,
            java.util.Arrays.copyOf(lines, rows)));
        rows = 0;
      }
    }

    void finish() throws DataException, IOException {
      if (total == 0) {
        throw new DataException(name, "the file has a header but no data rows");
      }
      flush();
    }
  }

  /**
   * The file read by {@link FastCsv}; false when it needs the general reader. Its header is read,
   * and checked, by the general one.
   */
  private static boolean readFast(String name, Path path, int slabRows, Slabs sink)
      throws IOException, DataException {
    List<String> header;
    try (Reader reader = TextFile.open(path);
        CSVParser parser = CSVParser.parse(reader, FORMAT)) {
      java.util.Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        return false;
      }
      CSVRecord first = records.next();
      if (parser.getCurrentLineNumber() != 1) {
        return false;
      }
      header = header(first, name, path, 1);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      return false;
    }
    Gather gather = new Gather(name, header, slabRows, sink);
    try {
      if (!FastCsv.read(path, 1, header.size(), (row, line) -> {
        try {
          gather.add(row, line);
        } catch (DataException e) {
          throw new Wrapped(e);
        }
      }) || gather.total == 0) {
        return false;
      }
    } catch (Wrapped w) {
      throw w.data;
    }
    gather.finish();
    return true;
  }

  /** A DataException through a callback that may throw only IOException. */
  private static final class Wrapped extends RuntimeException {
    final DataException data;

    Wrapped(DataException data) {
      super(data);
      this.data = data;
    }
  }

  private static List<String> header(CSVRecord record, String name, Path path, int line) throws DataException {
    if (record.stream().allMatch(cell -> DECIMAL.matcher(cell.strip()).matches())) {
      // A file without a header would lose its first row to the column names.
      String text = lineText(path, line);
      throw new DataException(name, line, 1, text == null ? 0 : text.length(), text,
          "this row is numbers, but the first row must be the header: a name for each column");
    }
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
    Table[] whole = {null};
    read(name, reader, path, Integer.MAX_VALUE, new Slabs() {
      @Override
      public void accept(Table slab) {
        whole[0] = slab;
      }

      @Override
      public void restart() {}
    });
    return whole[0];
  }

  private static void read(String name, Reader reader, Path path, int slabRows, Slabs sink)
      throws IOException, DataException {
    try (CSVParser parser = CSVParser.parse(reader, FORMAT)) {
      Gather gather = null;
      double[] row = null;
      for (CSVRecord record : parser) {
        int line = (int) parser.getCurrentLineNumber();
        if (gather == null) {
          gather = new Gather(name, header(record, name, path, line), slabRows, sink);
          row = new double[gather.header.size()];
          continue;
        }
        List<String> header = gather.header;
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
        for (int c = 0; c < header.size(); c++) {
          row[c] = number(record.get(c), name, path, line, c, header.get(c));
        }
        gather.add(row, line);
      }
      if (gather == null) {
        throw new DataException(name, "the file is empty; it needs a header row and data rows");
      }
      gather.finish();
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      // commons-csv reports malformed quoting, and the reader's bytes that are not UTF-8, this way.
      if (path != null && e.getCause() instanceof CharacterCodingException) {
        throw TextFile.notUtf8(path);
      }
      DataException quote = path == null ? null : quoteError(name, path);
      throw quote != null ? quote : new DataException(name, "not well-formed CSV: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
  }

  private static double number(String cell, String name, Path path, int line, int column, String header)
      throws DataException {
    String text = cell.strip();
    if (text.isEmpty()) {
      // An empty cell: whether the model can do without it is the binder's question.
      return Double.NaN;
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
    return path == null ? null : TextFile.lineText(path, line);
  }

  /**
   * Where the file's quoting goes wrong, read as commons-csv reads it (spaces around a cell
   * ignored): a quote that opens a cell and is never closed, or a cell that goes on after its
   * closing quote. Null when the quoting is right.
   */
  private static DataException quoteError(String name, Path path) {
    try (BufferedReader r = TextFile.openLeniently(path)) {
      int line = 1;
      int column = 0;
      int[] open = null; // the line and column of the quote that opened the current cell
      boolean quoted = false;
      boolean closed = false;
      boolean cellStart = true;
      for (int c; (c = r.read()) >= 0; ) {
        column += Character.isLowSurrogate((char) c) ? 0 : 1;
        if (c == '\n') {
          line++;
          column = 0;
        }
        if (quoted) {
          if (c == '"') {
            r.mark(1);
            if (r.read() == '"') {
              column++; // a quote written twice: one quote in the cell
            } else {
              r.reset();
              quoted = false;
              closed = true;
            }
          }
        } else if (c == ',' || c == '\n') {
          cellStart = true;
          closed = false;
        } else if (c == ' ' || c == '\t' || c == '\r') {
          continue;
        } else if (closed) {
          return new DataException(name, line, column, 1, lineText(path, line), "the cell goes on after its"
              + " closing quote; put the whole cell in quotes, with each quote inside it written twice (\"\")");
        } else if (cellStart && c == '"') {
          quoted = true;
          open = new int[] {line, column};
          cellStart = false;
        } else {
          cellStart = false;
        }
      }
      return quoted ? new DataException(name, open[0], open[1], 1, lineText(path, open[0]),
          "this quote opens a cell that is never closed: the file ends inside it") : null;
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
