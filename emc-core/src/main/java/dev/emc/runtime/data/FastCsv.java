package dev.emc.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The common case of a data file read at the speed of the disk: after the header, lines of plain
 * decimal numbers separated by commas, nothing quoted, nothing empty. It reads bytes, not
 * characters, and converts most numbers with one exact operation ({@link #toDouble}); anything
 * else — a quote, a letter, a short row, a blank line — makes it give up and return false, and
 * {@link Table} reads the file again with the general CSV reader, which says what is wrong and
 * where. Either way the values are the same: both round each decimal to the nearest double.
 */
final class FastCsv {
  private FastCsv() {}

  /** Receives the rows of a file; {@code values} is reused between calls. */
  interface Rows {
    void row(double[] values, int line) throws IOException;
  }

  /** Exact powers of ten: a double holds 10^k exactly for k ≤ 22. */
  private static final double[] POWERS = new double[23];

  static {
    POWERS[0] = 1;
    for (int k = 1; k < POWERS.length; k++) {
      POWERS[k] = POWERS[k - 1] * 10;
    }
  }

  /**
   * Reads the data lines of {@code path}, skipping its first {@code headerLines} lines, into
   * {@code rows}; false when the file needs the general reader (what was delivered is void).
   */
  static boolean read(Path path, int headerLines, int columns, Rows rows) throws IOException {
    return read(path, headerLines, columns, (byte) ',', rows);
  }

  /**
   * The same with cells separated by {@code delimiter}, an ASCII character; a gzip file is read
   * through.
   */
  static boolean read(Path path, int headerLines, int columns, byte delimiter, Rows rows) throws IOException {
    if (delimiter < 0 || delimiter == ' ' || (delimiter >= '0' && delimiter <= '9') || delimiter == '.'
        || delimiter == '-' || delimiter == '+' || delimiter == 'e' || delimiter == 'E') {
      return false; // a delimiter that a number or the spaces around it could hold: the general reader's
    }
    try (InputStream in = TextFile.bytes(path)) {
      byte[] buf = new byte[1 << 16];
      int len = 0;
      int pos = 0;
      int line = 1;
      boolean eof = false;
      double[] values = new double[columns];
      // Skip the header.
      int skipped = 0;
      while (skipped < headerLines) {
        if (pos == len) {
          len = in.read(buf, 0, buf.length);
          pos = 0;
          if (len <= 0) {
            return false;
          }
        }
        if (buf[pos++] == '\n') {
          skipped++;
          line++;
        }
      }
      while (true) {
        // Keep at least one whole line in the buffer: move the rest to the front and refill.
        int end = indexOf(buf, pos, len, (byte) '\n');
        if (end < 0 && !eof) {
          System.arraycopy(buf, pos, buf, 0, len - pos);
          len -= pos;
          pos = 0;
          if (len == buf.length) {
            return false; // a line longer than the buffer: not the common case
          }
          int n = in.read(buf, len, buf.length - len);
          if (n <= 0) {
            eof = true;
          } else {
            len += n;
          }
          continue;
        }
        int stop = end < 0 ? len : end;
        if (stop > pos && buf[stop - 1] == '\r') {
          stop--;
        }
        if (stop == pos) {
          if (end < 0) {
            return true; // the end of the file
          }
          return false; // a blank line
        }
        if (!parseLine(buf, pos, stop, delimiter, values)) {
          return false;
        }
        rows.row(values, line);
        line++;
        if (end < 0) {
          return true;
        }
        pos = end + 1;
      }
    }
  }

  private static int indexOf(byte[] buf, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The numbers of one line into {@code values}; false unless it is exactly that many plain decimals. */
  private static boolean parseLine(byte[] b, int from, int to, byte delimiter, double[] values) {
    int p = from;
    for (int c = 0; c < values.length; c++) {
      p = parseCell(b, skipSpaces(b, p, to), to, values, c);
      if (p < 0) {
        return false;
      }
      p = skipSpaces(b, p, to);
      if (c < values.length - 1) {
        if (p >= to || b[p] != delimiter) {
          return false;
        }
        p++;
      }
    }
    return p == to;
  }

  private static int skipSpaces(byte[] b, int p, int to) {
    while (p < to && b[p] == ' ') {
      p++;
    }
    return p;
  }

  /**
   * The plain decimal that starts at {@code b[p]} into {@code values[c]}; the position after it, or
   * −1 when there is none. Static, and the position is its result, so that a cell costs no virtual
   * call and no allocation more than it did inline.
   */
  private static int parseCell(byte[] b, int p, int to, double[] values, int c) {
    final int start = p;
    boolean negative = false;
    boolean exact = true;
    if (p < to && (b[p] == '-' || b[p] == '+')) {
      negative = b[p] == '-';
      p++;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = 0;
    int seen = 0;
    boolean point = false;
    for (; p < to; p++) {
      if (b[p] == '.' && !point) {
        point = true;
        continue;
      }
      if (b[p] < '0' || b[p] > '9') {
        break;
      }
      seen++;
      if (digits < 18) {
        mantissa = mantissa * 10 + (b[p] - '0');
        if (mantissa != 0) {
          digits++;
        }
        if (point) {
          scale--;
        }
      } else {
        exact = false;
      }
    }
    if (seen == 0) {
      return -1;
    }
    if (p < to && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      boolean negExp = false;
      if (p < to && (b[p] == '-' || b[p] == '+')) {
        negExp = b[p] == '-';
        p++;
      }
      int exp = 0;
      int expDigits = 0;
      while (p < to && b[p] >= '0' && b[p] <= '9' && expDigits < 4) {
        exp = exp * 10 + (b[p] - '0');
        p++;
        expDigits++;
      }
      if (expDigits == 0 || (p < to && b[p] >= '0' && b[p] <= '9')) {
        return -1;
      }
      scale += negExp ? -exp : exp;
    }
    double v = exact ? toDouble(mantissa, scale) : Double.NaN;
    if (Double.isNaN(v)) {
      // More digits or a larger exponent than one exact operation allows: Java's own parser,
      // which rounds correctly, on the cell (already known to be a plain decimal).
      v = Math.abs(Double.parseDouble(new String(b, start, p - start, StandardCharsets.ISO_8859_1)));
      if (Double.isInfinite(v)) {
        return -1; // too large: the general reader says so
      }
    }
    values[c] = negative ? -v : v;
    return p;
  }

  /**
   * mantissa · 10^scale rounded to the nearest double, or NaN when this cannot be done exactly
   * here. Exact when the mantissa has at most 53 bits and |scale| ≤ 22: both factors are then
   * doubles without error, and one multiplication or division rounds once (Clinger, 1990).
   */
  static double toDouble(long mantissa, int scale) {
    if (mantissa == 0) {
      return 0.0;
    }
    if (mantissa >= 1L << 53 || scale < -22 || scale > 22) {
      return Double.NaN;
    }
    return scale < 0 ? mantissa / POWERS[-scale] : mantissa * POWERS[scale];
  }
}
