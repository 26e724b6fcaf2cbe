package dev.emc.cli;

import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.ReadOptions;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.data.TextFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How a data file's text is read, for every command that reads one: its delimiter, its NA tokens,
 * and {@code --data -} for standard input. A gzip file is read through wherever a file is.
 */
final class ReadFlags {
  /** What {@code --data} names for standard input, and what messages call it. */
  static final String STDIN = "-";
  static final String STDIN_NAME = "<stdin>";

  /** Where standard input goes: a seam for tests, which run commands in-process. */
  static InputStream stdin = System.in;

  @Option(names = "--delimiter", paramLabel = "CHAR", description = "What separates the cells: one character,"
      + " or tab (default: detected from the header row, the most frequent of comma, tab and semicolon).")
  String delimiter;

  @Option(names = "--na", split = ",", paramLabel = "TOKEN", description = "Cells that mean a missing value, as"
      + " an empty cell does; --missing says what becomes of them (default: NA,NaN).")
  List<String> na;

  /** The options, checked: a usage error names the flag. */
  ReadOptions options(CommandSpec spec) {
    ReadOptions o = ReadOptions.defaults();
    if (na != null) {
      o = o.withNa(na.stream().map(String::strip).toList());
    }
    if (delimiter != null) {
      String d = delimiter.equals("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
      if (d.length() != 1 || d.equals("\"") || d.equals("\n") || d.equals("\r")) {
        throw new ParameterException(spec.commandLine(), "--delimiter is one character (or tab), not a quote or a"
            + " line break: not '" + delimiter + "'");
      }
      o = o.withDelimiter(d.charAt(0));
    }
    return o;
  }

  /** The name a data file goes by in messages. */
  static String name(Path data) {
    return data.toString().equals(STDIN) ? STDIN_NAME : data.toString();
  }

  private static Path spooled;

  /**
   * The file to read for {@code data}: itself, or for {@code -} standard input copied to a
   * temporary file (once per run): a file can be read again, as the readers and a streamed fit do.
   */
  static synchronized Path file(Path data) throws DataException {
    if (!data.toString().equals(STDIN)) {
      return data;
    }
    if (spooled == null) {
      try {
        spooled = TextFile.spool(stdin);
      } catch (IOException e) {
        throw new DataException(STDIN_NAME, "cannot read standard input: " + e.getMessage());
      }
    }
    return spooled;
  }

  /** Forgets standard input's copy: the next run reads it again (for tests, which run many commands). */
  static synchronized void reset(InputStream in) {
    stdin = in;
    spooled = null;
  }

  /** The table in {@code data}, read as these flags say. */
  Table read(Path data, CommandSpec spec) throws DataException {
    return Table.read(file(data), name(data), options(spec));
  }
}
