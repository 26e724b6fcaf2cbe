package dev.emc.runtime.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows too many for the heap: a binary file of doubles in the model's layout, row-major, written
 * once while the CSV is read and memory-mapped for the passes. A pass copies one slab of rows at
 * a time out of the mapping; the operating system keeps in memory what fits and reads the rest
 * from disk, so the heap holds one slab whatever the size of the data.
 *
 * <p>A cache is as large as the data, so none may outlive its process: it is deleted when closed
 * and when the JVM exits, and one left by a process that was killed is deleted by the next
 * {@link #newFile}: a lock file beside each cache stays locked while its owner lives.
 */
public final class RowCache implements AutoCloseable {
  private static final String PREFIX = "emc-rows-";
  /** The lock of each cache this process made with {@link #newFile}, held until the cache is deleted. */
  private static final Map<Path, FileChannel> LOCKS = new HashMap<>();

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
    long rows = SLAB_BYTES / (8L * columns) / DataMatrix.CHUNK * DataMatrix.CHUNK;
    return (int) Math.max(DataMatrix.CHUNK, rows);
  }

  /**
   * The heap a streamed fit of {@code rows} rows of {@code columns} values holds at once, at the
   * least: one slab, and the rows a start is computed from, copied out of the cache.
   */
  public static long heapBytes(long rows, int columns) {
    return 8L * columns * (slabRows(columns) + Math.min(rows, DataMatrix.START_SAMPLE));
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
    delete(file);
  }

  /**
   * A new, empty file for a cache, in the temporary directory, owned by this process until it is
   * deleted; first deletes the caches there whose owner is gone.
   */
  public static Path newFile() throws IOException {
    return newFile(Path.of(System.getProperty("java.io.tmpdir")));
  }

  static synchronized Path newFile(Path dir) throws IOException {
    sweep(dir);
    while (true) {
      Path lock = Files.createTempFile(dir, PREFIX, ".lock");
      FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
      // Blocks while another process's sweep, which saw the new file unlocked, holds it.
      channel.lock();
      if (!Files.exists(lock)) {
        channel.close(); // that sweep deleted it: take another
        continue;
      }
      Path file = cacheOf(lock);
      Files.createFile(file);
      // Deleted in the reverse order: the cache, then its lock. This runs after the shutdown hooks,
      // so a fit that Ctrl-C lets finish still has its rows.
      lock.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      LOCKS.put(file, channel);
      return file;
    }
  }

  /** Deletes the caches in {@code dir} whose owner is gone: those whose lock this process can take. */
  static synchronized void sweep(Path dir) {
    try (DirectoryStream<Path> locks = Files.newDirectoryStream(dir, PREFIX + "*.lock")) {
      for (Path lock : locks) {
        // Never open a lock of this process's: closing that channel would release its lock too (POSIX).
        if (LOCKS.containsKey(cacheOf(lock))) {
          continue;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
            FileLock owner = channel.tryLock()) {
          if (owner != null) {
            Files.deleteIfExists(cacheOf(lock));
            Files.deleteIfExists(lock);
          }
        } catch (IOException | OverlappingFileLockException e) {
          // Another user's, or gone already: not this sweep's to delete.
        }
      }
    } catch (IOException e) {
      // No sweep this time: the directory cannot be listed.
    }
  }

  /** Deletes a cache's file and, when {@link #newFile} made it, releases and deletes its lock. */
  static synchronized void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
    FileChannel lock = LOCKS.remove(file);
    if (lock != null) {
      Files.deleteIfExists(lockOf(file));
      lock.close();
    }
  }

  private static Path cacheOf(Path lock) {
    String name = lock.getFileName().toString();
    return lock.resolveSibling(name.substring(0, name.length() - ".lock".length()) + ".bin");
  }

  private static Path lockOf(Path cache) {
    String name = cache.getFileName().toString();
    return cache.resolveSibling(name.substring(0, name.length() - ".bin".length()) + ".lock");
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

    /** The same with slabs of a given size: a multiple of {@link DataMatrix#CHUNK}. */
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
        delete(file);
      }
    }
  }
}
