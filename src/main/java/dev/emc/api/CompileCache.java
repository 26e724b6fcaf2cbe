package dev.emc.api;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.ByteStreams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Compiled model classes kept on disk, so that a model compiled once loads in milliseconds the
 * next time: javac costs most of a small fit's time.
 *
 * <p>An entry is keyed by a SHA-256 of everything the bytecode depends on: the generated source
 * and class name, emc's version and a fingerprint of its code (a rebuilt jar is another emc), the
 * contents of the plugin jars the source compiles against, and the Java release that compiled it.
 * A stale entry therefore has another key and is never found. An entry file repeats its key and
 * ends with a SHA-256 of its contents; one that is cut short, altered or written by another
 * format is deleted and compiled again, never loaded. Entries are written to a temporary file and
 * moved into place, so a reader never sees half of one, and concurrent writers of one key write
 * the same bytes. The oldest-used entries beyond {@link #KEEP} are deleted.
 */
final class CompileCache {
  /** How many entries are kept. One is tens of kilobytes; a model's every K is a few hundred. */
  static final int KEEP = 512;

  private static final int MAGIC = 0x454d4331; // "EMC1"
  private static final String SUFFIX = ".classes";
  private static final int CHECKSUM = 32;

  private final Path dir;
  private final String emc;

  private CompileCache(Path dir, String emc) {
    this.dir = dir;
    this.emc = emc;
  }

  /** A cache in {@code dir}, created when first written. */
  static CompileCache in(Path dir) {
    return new CompileCache(dir, Emc.version() + "@" + codeFingerprint());
  }

  /**
   * The user's cache: the {@code emc.cache} system property, else the {@code EMC_CACHE}
   * environment variable, else {@code $XDG_CACHE_HOME/emc}, else {@code ~/.cache/emc}; empty when
   * none of them names a directory (no home).
   */
  static Optional<CompileCache> user() {
    String dir = System.getProperty("emc.cache", System.getenv("EMC_CACHE"));
    if (dir == null || dir.isBlank()) {
      String xdg = System.getenv("XDG_CACHE_HOME");
      String home = System.getProperty("user.home");
      if (xdg != null && !xdg.isBlank()) {
        dir = Path.of(xdg, "emc").toString();
      } else if (home != null && !home.isBlank() && !home.equals("?")) {
        dir = Path.of(home, ".cache", "emc").toString();
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(in(Path.of(dir, "classes")));
  }

  Path directory() {
    return dir;
  }

  /** The key of a class: a hash of everything its bytecode depends on. */
  String key(String className, String source, List<Path> classPath) {
    Hasher h = Hashing.sha256().newHasher();
    h.putString("emc compile cache 1", StandardCharsets.UTF_8).putByte((byte) 0);
    h.putString(emc, StandardCharsets.UTF_8).putByte((byte) 0);
    h.putInt(Runtime.version().feature());
    for (Path p : classPath) {
      h.putBytes(contentHash(p).asBytes());
    }
    h.putString(className, StandardCharsets.UTF_8).putByte((byte) 0);
    h.putString(source, StandardCharsets.UTF_8);
    return h.hash().toString();
  }

  /**
   * The classes stored under {@code key}, or empty when there are none. An entry that does not
   * check out is deleted.
   */
  Optional<Map<String, byte[]>> get(String key) {
    Path file = dir.resolve(key + SUFFIX);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return Optional.empty();
    }
    Optional<Map<String, byte[]>> classes = decode(key, bytes);
    try {
      if (classes.isEmpty()) {
        Files.deleteIfExists(file);
      } else {
        // Marks it used, for the pruning.
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
      }
    } catch (IOException e) {
      // A read-only cache still serves its entries.
    }
    return classes;
  }

  /**
   * Stores classes under {@code key}. A cache that cannot be written (a read-only home, a full
   * disk) is skipped: the model is compiled again next time, and nothing else changes.
   */
  void put(String key, Map<String, byte[]> classes) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, key, ".tmp");
      Files.write(tmp, encode(key, classes));
      try {
        Files.move(tmp, dir.resolve(key + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(key + SUFFIX), StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      prune();
    } catch (IOException | UncheckedIOException e) {
      // See above: a cache is an optimization.
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // Left for the next prune.
        }
      }
    }
  }

  static byte[] encode(String key, Map<String, byte[]> classes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeUTF(key);
      out.writeInt(classes.size());
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        out.writeUTF(c.getKey());
        out.writeInt(c.getValue().length);
        out.write(c.getValue());
      }
      out.flush();
      out.write(Hashing.sha256().hashBytes(bytes.toByteArray()).asBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** An entry's classes, if it is whole, of this format and of this key. */
  static Optional<Map<String, byte[]>> decode(String key, byte[] bytes) {
    if (bytes.length < CHECKSUM) {
      return Optional.empty();
    }
    int body = bytes.length - CHECKSUM;
    byte[] sum = Hashing.sha256().hashBytes(bytes, 0, body).asBytes();
    if (!Arrays.equals(sum, 0, CHECKSUM, bytes, body, bytes.length)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body))) {
      if (in.readInt() != MAGIC || !in.readUTF().equals(key)) {
        return Optional.empty();
      }
      int n = in.readInt();
      Map<String, byte[]> classes = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        classes.put(name, b);
      }
      return in.available() == 0 && n > 0 ? Optional.of(classes) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Deletes the oldest-used entries beyond {@link #KEEP}, and temporary files left by a killed writer. */
  private void prune() throws IOException {
    long hourAgo = System.currentTimeMillis() - 3_600_000;
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> entries = files.filter(f -> {
        String name = f.getFileName().toString();
        if (name.endsWith(".tmp")) {
          try {
            if (Files.getLastModifiedTime(f).toMillis() < hourAgo) {
              Files.deleteIfExists(f);
            }
          } catch (IOException e) {
            // Another process's, or gone already.
          }
          return false;
        }
        return name.endsWith(SUFFIX);
      }).toList();
      if (entries.size() <= KEEP) {
        return;
      }
      List<Path> oldestFirst = entries.stream()
          .sorted(Comparator.comparingLong(CompileCache::modified)).toList();
      for (Path f : oldestFirst.subList(0, entries.size() - KEEP)) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static long modified(Path f) {
    try {
      return Files.getLastModifiedTime(f).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** A plugin jar's contents (a jar rebuilt under the same name is another jar). */
  private static HashCode contentHash(Path p) {
    try (var in = Files.newInputStream(p)) {
      Hasher h = Hashing.sha256().newHasher();
      ByteStreams.copy(in, com.google.common.hash.Funnels.asOutputStream(h));
      return h.hash();
    } catch (IOException e) {
      // An unreadable plugin fails to compile against anyway; its path keys the entry.
      return Hashing.sha256().hashString(p.toAbsolutePath().toString(), StandardCharsets.UTF_8);
    }
  }

  /**
   * emc's own code, by size and time of change: its jar, or in a build its classes directory. A
   * rebuilt emc of the same version compiles models against other runtime classes.
   */
  private static String codeFingerprint() {
    Path code;
    try {
      code = Path.of(CompileCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return unknown();
    }
    try (Stream<Path> files = Files.isDirectory(code) ? Files.walk(code) : Stream.of(code)) {
      long[] sizeAndTime = new long[2];
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          sizeAndTime[0] += Files.size(f);
          sizeAndTime[1] = Math.max(sizeAndTime[1], Files.getLastModifiedTime(f).toMillis());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      return sizeAndTime[0] + "/" + sizeAndTime[1];
    } catch (IOException | UncheckedIOException e) {
      return unknown();
    }
  }

  /** Code that cannot be told apart from a rebuild shares entries with no other process. */
  private static String unknown() {
    return "unknown " + java.util.UUID.randomUUID();
  }
}
