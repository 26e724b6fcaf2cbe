package dev.emc.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows too many for the heap: a binary file of doubles in the model's layout, row-major, written
 * once while the CSV is read and memory-mapped for the passes. A pass copies one slab of rows at
 * a time out of the mapping; the operating system keeps in memory what fits and reads the rest
 * from disk, so the heap holds one slab whatever the size of the data.
 */
public final class RowCache implements AutoCloseable {
  /** Bytes of one slab, about: the heap a streamed pass needs for its rows. */
  private static final long SLAB_BYTES = 16L << 20;
  /** Bytes of one mapping at most (a mapping is indexed by int). */
  private static final long SEGMENT_BYTES = 1L << 30;

  private final Path file;
  private final FileChannel channel;
  private final int rows;
  private final int columns;
  private final int slabRows;
  private final List<MappedByteBuffer> segments = new ArrayList<>();
  private final int segmentRows;

  private RowCache(Path file, int rows, int columns, int slabRows) throws IOException {
    this.file = file;
    this.rows = rows;
    this.columns = columns;
    this.slabRows = slabRows;
    long rowBytes = 8L * columns;
    // Whole slabs per mapping, so that no slab spans two.
    this.segmentRows = (int) Math.max(slabRows, SEGMENT_BYTES / rowBytes / slabRows * slabRows);
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    for (long first = 0; first < rows; first += segmentRows) {
      long n = Math.min(segmentRows, rows - first);
      segments.add(channel.map(FileChannel.MapMode.READ_ONLY, first * rowBytes, n * rowBytes));
    }
  }

  /** Rows per slab: a multiple of the fit's chunk, so that chunks, and their sums, do not depend on slabs. */
  static int slabRows(int columns) {
    long rows = SLAB_BYTES / (8L * columns) / Fitter.CHUNK * Fitter.CHUNK;
    return (int) Math.max(Fitter.CHUNK, rows);
  }

  public int rows() {
    return rows;
  }

  public int slabRows() {
    return slabRows;
  }

  /** Copies rows [first, first + n) of one slab into {@code into}, row-major from 0. */
  void read(int first, int n, double[] into) {
    MappedByteBuffer segment = segments.get(first / segmentRows);
    int offset = (first % segmentRows) * columns * 8;
    segment.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(offset).slice().order(ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer().get(into, 0, n * columns);
  }

  @Override
  public void close() throws IOException {
    channel.close();
    segments.clear();
    Files.deleteIfExists(file);
  }

  /** Writes rows to a new cache file, then maps it. */
  public static final class Writer implements AutoCloseable {
    private final Path file;
    private final FileChannel out;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long values;

    public Writer(Path file) throws IOException {
      this.file = file;
      this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    }

    public void append(double[] v, int count) {
      try {
        for (int i = 0; i < count; i++) {
          if (!buffer.hasRemaining()) {
            flush();
          }
          buffer.putDouble(v[i]);
        }
        values += count;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Forget what was appended: the rows come again from the first. */
    public void restart() throws IOException {
      buffer.clear();
      out.truncate(0);
      out.position(0);
      values = 0;
    }

    private void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      buffer.clear();
    }

    /** The cache, mapped, once every row has been appended. */
    public RowCache finish(int columns) throws IOException {
      return finish(columns, slabRows(columns));
    }

    /** The same with slabs of a given size: a multiple of {@link Fitter#CHUNK}. */
    RowCache finish(int columns, int slabRows) throws IOException {
      flush();
      out.close();
      if (values % columns != 0 || values / columns > Integer.MAX_VALUE) {
        throw new IllegalStateException(values + " values do not make rows of " + columns);
      }
      return new RowCache(file, (int) (values / columns), columns, slabRows);
    }

    @Override
    public void close() throws IOException {
      if (out.isOpen()) {
        out.close();
        Files.deleteIfExists(file);
      }
    }
  }
}
