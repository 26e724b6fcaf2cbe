package dev.emc.cli;

import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.runtime.data.RowCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a data file's rows fit in the heap, estimated before reading them from the file's size
 * and its first lines: `emc fit` streams rows that would not fit, and says plainly when even
 * streaming cannot run. The numbers are what a load and a fit hold at their peak, not exact.
 */
final class Memory {
  /**
   * Heap per value at the peak of a load into memory: the parser's buffer, which doubles as it
   * grows (up to twice the values), its exact copy, then the rows in the model's layout.
   */
  static final long BYTES_PER_VALUE = 3 * 8;
  /** Heap per row besides its values: its line number, and the k-means start's distances and label. */
  static final long BYTES_PER_ROW = 40;
  /** Heap for compiling the model (javac, in memory), which comes after the load. */
  static final long COMPILE_BYTES = 16L << 20;
  /** How much of the file is read to estimate its rows: the lines in it give the mean line length. */
  private static final int SAMPLE_BYTES = 1 << 16;

  private Memory() {}

  /** A data file's rows (estimated) and columns (its header's). */
  record Shape(long rows, int columns) {
    /** The heap reading the rows into memory and fitting them needs, about. */
    long inMemoryBytes() {
      return rows * (columns * BYTES_PER_VALUE + BYTES_PER_ROW) + COMPILE_BYTES;
    }

    /** The heap a streamed fit of them cannot do with less than. */
    long streamedBytes() {
      return RowCache.heapBytes(rows, columns) + COMPILE_BYTES;
    }
  }

  /** The shape of {@code csv}, from its size and first lines; null when it cannot be read (its reader says why). */
  static Shape shape(Path csv) {
    byte[] head = new byte[SAMPLE_BYTES];
    int n;
    long size;
    try (InputStream in = dev.emc.runtime.data.TextFile.bytes(csv)) {
      size = textSize(csv);
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return null;
    }
    char delimiter = dev.emc.runtime.data.ReadOptions.defaults().delimiterOf(
        new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).lines().findFirst().orElse(""));
    int columns = 1;
    int headerEnd = -1;
    int lines = 0;
    int lastEnd = -1;
    for (int i = 0; i < n; i++) {
      if (headerEnd < 0 && head[i] == delimiter) {
        columns++;
      } else if (head[i] == '\n') {
        if (headerEnd < 0) {
          headerEnd = i;
        } else {
          lines++;
          lastEnd = i;
        }
      }
    }
    if (n == size) {
      // All of it: its lines counted, and a last one without a newline.
      boolean unended = headerEnd >= 0 && n > Math.max(headerEnd, lastEnd) + 1;
      return new Shape(lines + (unended ? 1 : 0), columns);
    }
    // The mean line of the sample; a line longer than the sample makes at most one row per sample.
    double lineBytes = lines == 0 ? SAMPLE_BYTES : (lastEnd - headerEnd) / (double) lines;
    return new Shape((long) Math.ceil((size - headerEnd - 1) / lineBytes), columns);
  }

  /**
   * The bytes of text in {@code csv}: its size, or for gzip the size its trailer records (modulo
   * 2^32, as gzip keeps it: text over 4 GB compressed may be estimated small, and its fit then says
   * plainly that the heap ran out).
   */
  private static long textSize(Path csv) throws IOException {
    long size = Files.size(csv);
    if (size < 18 || !dev.emc.runtime.data.TextFile.gzip(csv)) {
      return size;
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(csv)) {
      java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      ch.read(trailer, size - 4);
      return Math.max(size, Integer.toUnsignedLong(trailer.getInt(0)));
    }
  }

  /** The heap not in use now: what the JVM may grow to, less what it holds. */
  static long free() {
    Runtime r = Runtime.getRuntime();
    return r.maxMemory() - (r.totalMemory() - r.freeMemory());
  }

  /** Whether {@code csv}'s rows would fit in the free heap, read whole. */
  static boolean fitsInMemory(Path csv) {
    Shape shape = shape(csv);
    return shape == null || shape.inMemoryBytes() <= free();
  }

  /** Checks that a streamed fit of {@code csv} can run in the free heap: else one message, exit 2. */
  static void checkStreamable(Path csv) {
    Shape shape = shape(csv);
    if (shape != null && shape.streamedBytes() > free()) {
      throw new DiagnosticException(Diagnostic.error("memory", "not enough memory to stream " + csv
          + ": use a larger -Xmx" + heap()));
    }
  }

  /** The message for a heap that ran out; {@code --stream} is suggested where the command has it. */
  static String notEnough(boolean canStream) {
    return "not enough memory: use " + (canStream ? "--stream or " : "") + "a larger -Xmx" + heap();
  }

  private static String heap() {
    return " (the heap is at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MB)";
  }
}
