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
 * A table read from a delimited text file with a header row. Values are row-major; a missing cell
 * (empty, or one of the NA tokens) is NaN; each row remembers its line in the file, so that later
 * checks (a count that is not an integer) can say where.
 *
 * <p>A column with a cell that is not a number (an id, a label) keeps its cells as written in
 * {@code text}, and its values are NaN: it is an error only when a variable, or --weights or
 * --labels, takes it, at its first such cell; --sequence takes it as it is. So a column the model
 * does not use is never a reason the file cannot be read.
 *
 * @param text for each column, null when every cell is a number or missing, else each row's cell
 *     as written (a number as {@link DataMatrix#format} prints it), null where missing
 * @param origin where the rows came from, to show a line again in a message
 */
public record Table(String source, List<String> header, double[] values, int rows, int[] lines, List<String[]> text,
    Origin origin) {

  /** The file a table was read from and how its cells are delimited: how to find a cell again. */
  public record Origin(Path path, char delimiter) {}

  /** A table of numbers alone, from {@code source} read with commas. */
  public Table(String source, List<String> header, double[] values, int rows, int[] lines) {
    this(source, header, values, rows, lines, null, origin(source));
  }

  public Table {
    if (text == null) {
      text = java.util.Collections.nCopies(header.size(), null);
    } else if (text.size() != header.size()) {
      throw new IllegalArgumentException(text.size() + " text columns for " + header.size() + " columns");
    }
  }

  private static Origin origin(String source) {
    try {
      return new Origin(Path.of(source), ',');
    } catch (java.nio.file.InvalidPathException e) {
      return new Origin(null, ',');
    }
  }

  /** Whether column {@code c} has a cell that is not a number. */
  public boolean hasText(int c) {
    return text.get(c) != null;
  }

  /** Whether column {@code c} has cells and none of them is a number: an id or a label, not data. */
  public boolean isWords(int c) {
    String[] cells = text.get(c);
    if (cells == null) {
      return false;
    }
    for (String cell : cells) {
      if (cell != null && isNumber(cell)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the cell at row r, column c is missing. */
  public boolean isMissing(int r, int c) {
    return text.get(c) == null ? Double.isNaN(get(r, c)) : text.get(c)[r] == null;
  }

  /** The cell as written, for a column of names (a number as {@link DataMatrix#format} prints it); null where missing. */
  public String cell(int r, int c) {
    return text.get(c) != null ? text.get(c)[r] : isMissing(r, c) ? null : DataMatrix.format(get(r, c));
  }

  /**
   * The first cell of column {@code c} that is not a number, as an error at its place (what taking
   * that column as numbers says); null when every cell is a number or missing.
   */
  public DataException notNumbers(int c) {
    String[] cells = text.get(c);
    for (int r = 0; cells != null && r < rows; r++) {
      if (cells[r] != null && !isNumber(cells[r])) {
        return atCell(r, c, problem(cells[r], header.get(c)));
      }
    }
    return null;
  }

  /** An error at the cell of row {@code r}, column {@code c}, with its line shown. */
  public DataException atCell(int r, int c, String message) {
    int line = lines == null ? 0 : lines[r];
    String text = line == 0 || origin.path() == null ? null : TextFile.lineText(origin.path(), line);
    int[] span = cellSpan(text, c, origin.delimiter());
    return new DataException(source, line, span[0] + 1, span[1], text, message);
  }

  /** The same table without column {@code at}. */
  public Table without(int at) {
    int c = columns();
    List<String> h = new ArrayList<>(header);
    h.remove(at);
    List<String[]> t = new ArrayList<>(text);
    t.remove(at);
    double[] v = new double[rows * (c - 1)];
    for (int r = 0, i = 0; r < rows; r++) {
      for (int j = 0; j < c; j++) {
        if (j != at) {
          v[i++] = get(r, j);
        }
      }
    }
    return new Table(source, h, v, rows, lines, t, origin);
  }

  private static boolean isNumber(String cell) {
    return DECIMAL.matcher(cell).matches() && Double.isFinite(Double.parseDouble(cell));
  }

  /** Why a cell is not a number, in the words the reader has always used. */
  private static String problem(String cell, String column) {
    if (DECIMAL.matcher(cell).matches()) {
      return "`" + cell + "` in column " + column + " is too large";
    }
    boolean special = cell.matches("(?i)[+-]?(nan|inf|infinity)");
    return "`" + cell + "` in column " + column + (special ? " is not a finite number" : " is not a number");
  }

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
    return read(path, path.toString(), ReadOptions.defaults());
  }

  /**
   * Reads a delimited text file, plain or gzip, as {@code options} say; messages name it {@code
   * name} (standard input is read from a copy, but named as itself).
   */
  public static Table read(Path path, String name, ReadOptions options) throws DataException {
    Table[] whole = {null};
    stream(path, name, options, Integer.MAX_VALUE, new Slabs() {
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
    stream(path, path.toString(), ReadOptions.defaults(), slabRows, sink);
  }

  /** The same, read as {@code options} say, named {@code name} in messages. */
  public static void stream(Path path, String name, ReadOptions options, int slabRows, Slabs sink)
      throws DataException {
    Origin origin = new Origin(path, options.delimiterOf(TextFile.firstLine(path)));
    Reading reading = new Reading(name, origin, options);
    try {
      if (readFast(reading, slabRows, sink)) {
        return;
      }
    } catch (IOException e) {
      // The general reader below reports it.
    }
    try (Reader reader = TextFile.open(path)) {
      sink.restart();
      read(reading, reader, slabRows, sink);
    } catch (NoSuchFileException e) {
      throw new DataException(name, "cannot read the file: no such file");
    } catch (CharacterCodingException e) {
      throw TextFile.notUtf8(path, name);
    } catch (IOException e) {
      throw new DataException(name, "cannot read the file: " + e.getMessage());
    }
  }

  /**
   * Reads delimited text from a stream that can be read only once (standard input, as it
   * arrives), plain or gzip, as tables of at most {@code slabRows} rows each, handed on as each
   * fills: by the general reader alone, which never needs to start again ({@link Slabs#restart}
   * is not called). Messages name it {@code name}; they give lines and columns but cannot show
   * the line.
   */
  public static void stream(java.io.InputStream in, String name, ReadOptions options, int slabRows, Slabs sink)
      throws DataException {
    try {
      java.io.BufferedInputStream bytes = new java.io.BufferedInputStream(in, 1 << 16);
      bytes.mark(2);
      boolean gzip = bytes.read() == 0x1F && bytes.read() == 0x8B;
      bytes.reset();
      BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(
          gzip ? new java.util.zip.GZIPInputStream(bytes, 1 << 16) : bytes,
          java.nio.charset.StandardCharsets.UTF_8.newDecoder()), 1 << 16);
      reader.mark(1);
      if (reader.read() != '\uFEFF') {
        reader.reset();
      }
      reader.mark(1 << 20);
      String header = reader.readLine();
      reader.reset();
      read(new Reading(name, new Origin(null, options.delimiterOf(header)), options), reader, slabRows, sink);
    } catch (CharacterCodingException e) {
      throw new DataException(name, "not UTF-8 text; save the data as UTF-8");
    } catch (IOException e) {
      throw new DataException(name, "cannot read the data: " + e.getMessage());
    }
  }

  /** One file being read: its name in messages, where it is, and how its cells are read. */
  private record Reading(String name, Origin origin, ReadOptions options) {
    Path path() {
      return origin.path();
    }

    CSVFormat format() {
      return CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setDelimiter(origin.delimiter()).get();
    }
  }

  /** Rows gathered into slabs of at most {@code limit} rows, each handed on when full. */
  private static final class Gather {
    final String name;
    final Origin origin;
    final List<String> header;
    final int limit;
    final Slabs sink;
    double[] values = new double[1024];
    int[] lines = new int[64];
    /** Each column's cells as written, from its first cell that is not a number on; null before. */
    final String[][] text;
    int rows;
    long total;

    Gather(String name, Origin origin, List<String> header, int limit, Slabs sink) {
      this.name = name;
      this.origin = origin;
      this.header = header;
      this.limit = limit;
      this.sink = sink;
      this.text = new String[header.size()][];
    }

    /** Adds a row; {@code cells}, when given, holds the cells that are not numbers (null elsewhere). */
    void add(double[] row, String[] cells, int line) throws DataException, IOException {
      int width = header.size();
      if ((rows + 1) * width > values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, (rows + 1) * width));
      }
      if (rows == lines.length) {
        lines = java.util.Arrays.copyOf(lines, lines.length * 2);
        for (int c = 0; c < width; c++) {
          text[c] = text[c] == null ? null : java.util.Arrays.copyOf(text[c], lines.length);
        }
      }
      System.arraycopy(row, 0, values, rows * width, width);
      for (int c = 0; c < width; c++) {
        if (cells != null && cells[c] != null && text[c] == null) {
          // The column's first word: its cells so far, numbers or missing, as written.
          text[c] = new String[lines.length];
          for (int r = 0; r < rows; r++) {
            double v = values[r * width + c];
            text[c][r] = Double.isNaN(v) ? null : DataMatrix.format(v);
          }
        }
        if (text[c] != null) {
          text[c][rows] = cells != null && cells[c] != null ? cells[c]
              : Double.isNaN(row[c]) ? null : DataMatrix.format(row[c]);
        }
      }
      lines[rows++] = line;
      total++;
      if (rows == limit) {
        flush();
      }
    }

    void flush() throws DataException, IOException {
      if (rows > 0) {
        List<String[]> t = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
          t.add(text[c] == null ? null : java.util.Arrays.copyOf(text[c], rows));
          text[c] = null; // each slab says for itself which of its columns hold words
        }
        sink.accept(new Table(name, header, java.util.Arrays.copyOf(values, rows * header.size()), rows,
            java.util.Arrays.copyOf(lines, rows), t, origin));
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
  private static boolean readFast(Reading reading, int slabRows, Slabs sink)
      throws IOException, DataException {
    List<String> header;
    String name = reading.name();
    Path path = reading.path();
    try (Reader reader = TextFile.open(path);
        CSVParser parser = CSVParser.parse(reader, reading.format())) {
      java.util.Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        return false;
      }
      CSVRecord first = records.next();
      if (parser.getCurrentLineNumber() != 1) {
        return false;
      }
      header = header(first, reading, 1);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      return false;
    }
    Gather gather = new Gather(name, reading.origin(), header, slabRows, sink);
    try {
      if (!FastCsv.read(path, 1, header.size(), (byte) reading.origin().delimiter(), (row, line) -> {
        try {
          gather.add(row, null, line);
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

  private static List<String> header(CSVRecord record, Reading reading, int line) throws DataException {
    String name = reading.name();
    if (record.stream().allMatch(cell -> DECIMAL.matcher(cell.strip()).matches())) {
      // A file without a header would lose its first row to the column names.
      String text = lineText(reading.path(), line);
      throw new DataException(name, line, 1, text == null ? 0 : text.length(), text,
          "this row is numbers, but the first row must be the header: a name for each column");
    }
    List<String> header = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < record.size(); c++) {
      String h = record.get(c).strip();
      if (h.isEmpty()) {
        throw at(reading, line, c, "column " + (c + 1) + " of the header has no name");
      }
      if (!seen.add(h)) {
        throw at(reading, line, c, "the header names column " + h + " twice");
      }
      header.add(h);
    }
    return List.copyOf(header);
  }

  static Table read(String name, Reader reader, Path path) throws IOException, DataException {
    Table[] whole = {null};
    read(new Reading(name, new Origin(path, ','), ReadOptions.defaults()), reader, Integer.MAX_VALUE, new Slabs() {
      @Override
      public void accept(Table slab) {
        whole[0] = slab;
      }

      @Override
      public void restart() {}
    });
    return whole[0];
  }

  private static void read(Reading reading, Reader reader, int slabRows, Slabs sink)
      throws IOException, DataException {
    String name = reading.name();
    Path path = reading.path();
    try (CSVParser parser = CSVParser.parse(reader, reading.format())) {
      Gather gather = null;
      double[] row = null;
      String[] cells = null;
      for (CSVRecord record : parser) {
        int line = (int) parser.getCurrentLineNumber();
        if (gather == null) {
          gather = new Gather(name, reading.origin(), header(record, reading, line), slabRows, sink);
          row = new double[gather.header.size()];
          cells = new String[gather.header.size()];
          continue;
        }
        List<String> header = gather.header;
        if (record.size() == 1 && record.get(0).isBlank() && header.size() > 1) {
          continue; // a blank line
        }
        if (record.size() != header.size()) {
          // Point at the first value too many, or at the end of a row that stops short.
          String text = lineText(path, line);
          int[] span = record.size() > header.size() ? cellSpan(text, header.size(), reading.origin().delimiter())
              : new int[] {text == null ? 0 : text.length(), 1};
          throw new DataException(name, line, span[0] + 1, span[1], text, "this row has " + record.size()
              + (record.size() == 1 ? " value" : " values") + ", but the header has " + header.size() + " columns");
        }
        boolean words = false;
        for (int c = 0; c < header.size(); c++) {
          String cell = record.get(c).strip();
          cells[c] = null;
          if (reading.options().missing(cell)) {
            row[c] = Double.NaN; // whether the model can do without it is the binder's question
          } else if (isNumber(cell)) {
            row[c] = Double.parseDouble(cell);
          } else {
            row[c] = Double.NaN;
            cells[c] = cell; // an error only if the column is taken as numbers
            words = true;
          }
        }
        gather.add(row, words ? cells : null, line);
      }
      if (gather == null) {
        throw new DataException(name, "the file is empty; it needs a header row and data rows");
      }
      gather.finish();
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      // commons-csv reports malformed quoting, and the reader's bytes that are not UTF-8, this way.
      if (path != null && e.getCause() instanceof CharacterCodingException) {
        throw TextFile.notUtf8(path, name);
      }
      DataException quote = path == null ? null : quoteError(name, path, reading.origin().delimiter());
      throw quote != null ? quote : new DataException(name, "not well-formed CSV: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
  }

  private static DataException at(Reading reading, int line, int column, String message) {
    String text = lineText(reading.path(), line);
    int[] span = cellSpan(text, column, reading.origin().delimiter());
    return new DataException(reading.name(), line, span[0] + 1, span[1], text, message);
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
  private static DataException quoteError(String name, Path path, char delimiter) {
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
        } else if (c == delimiter || c == '\n') {
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
    return cellSpan(line, column, ',');
  }

  /** The same for cells separated by {@code delimiter}. */
  static int[] cellSpan(String line, int column, char delimiter) {
    if (line == null) {
      return new int[] {0, 0};
    }
    int start = 0;
    int cell = 0;
    boolean quoted = false;
    for (int i = 0; i <= line.length(); i++) {
      char c = i < line.length() ? line.charAt(i) : delimiter;
      if (c == '"') {
        quoted = !quoted;
      } else if (c == delimiter && !quoted) {
        if (cell == column) {
          int s = start;
          int e = i;
          while (s < e && (line.charAt(s) == ' ' || line.charAt(s) == '\t')) {
            s++;
          }
          while (e > s && (line.charAt(e - 1) == ' ' || line.charAt(e - 1) == '\t')) {
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
