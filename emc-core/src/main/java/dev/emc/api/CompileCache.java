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
import java.util.HashMap;
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
 *
 * <p>Beside the entries, a pointer file keyed by the generation's inputs (the model's text, its
 * settings and sizes: see {@code Model}, hashed with emc and the plugins as above) names the key
 * of the source they generate, and its class. Following it skips generating the source, the most
 * of a cached fit's start; the entry it names is still found and checked by its own key, so a
 * pointer can make a class be found sooner, never another class be loaded. A pointer that does not
 * check out, or names no whole entry, is ignored and the source generated.
 */
final class CompileCache {
  /** How many entries are kept. One is tens of kilobytes; a model's every K is a few hundred. */
  static final int KEEP = 512;

  private static final int MAGIC = 0x454d4331; // "EMC1"
  private static final String SUFFIX = ".classes";
  private static final String POINTER = ".inputs";
  private static final String POINTER_FORMAT = "emc inputs 1";
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
    Hasher h = hasher("emc compile cache 1", classPath);
    h.putString(className, StandardCharsets.UTF_8).putByte((byte) 0);
    h.putString(source, StandardCharsets.UTF_8);
    return h.hash().toString();
  }

  /**
   * The key of a pointer: a hash of what the source is generated from ({@code inputs}) and by
   * (emc, its plugins; the Java release too, as the entry's key has it).
   */
  String inputsKey(String inputs, List<Path> classPath) {
    Hasher h = hasher(POINTER_FORMAT, classPath);
    h.putString(inputs, StandardCharsets.UTF_8);
    return h.hash().toString();
  }

  private Hasher hasher(String what, List<Path> classPath) {
    Hasher h = Hashing.sha256().newHasher();
    h.putString(what, StandardCharsets.UTF_8).putByte((byte) 0);
    h.putString(emc, StandardCharsets.UTF_8).putByte((byte) 0);
    h.putInt(Runtime.version().feature());
    for (Path p : classPath) {
      h.putBytes(contentHash(p).asBytes());
    }
    return h;
  }

  /** An entry's classes, and which of them is the model's. */
  record Entry(String className, Map<String, byte[]> classes) {}

  /**
   * The entry the pointer {@code inputsKey} names, when both check out and the entry holds the
   * class it names.
   */
  Optional<Entry> byInputs(String inputsKey) {
    String[] fields;
    try {
      fields = Files.readString(dir.resolve(inputsKey + POINTER), StandardCharsets.UTF_8).split("\n", -1);
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
    // format, inputs key, entry key, class name, a hash of the four lines, and the end.
    if (fields.length != 6 || !fields[5].isEmpty() || !fields[0].equals(POINTER_FORMAT) || !fields[1].equals(inputsKey)
        || !fields[4].equals(pointerSum(fields[0], fields[1], fields[2], fields[3]))) {
      return Optional.empty();
    }
    String className = fields[3];
    return get(fields[2]).filter(classes -> classes.containsKey(className)).map(classes -> new Entry(className, classes));
  }

  /** Points {@code inputsKey} at the entry {@code key}, whose model class is {@code className}. */
  void putInputs(String inputsKey, String key, String className) {
    String lines = POINTER_FORMAT + "\n" + inputsKey + "\n" + key + "\n" + className + "\n";
    writeAtomically(inputsKey, POINTER,
        (lines + pointerSum(POINTER_FORMAT, inputsKey, key, className) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String pointerSum(String format, String inputsKey, String key, String className) {
    return Hashing.sha256().hashString(format + "\n" + inputsKey + "\n" + key + "\n" + className + "\n",
        StandardCharsets.UTF_8).toString();
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
    writeAtomically(key, SUFFIX, encode(key, classes));
  }

  /** Writes {@code key + suffix} through a temporary file, or nothing when the cache cannot be written. */
  private void writeAtomically(String key, String suffix, byte[] contents) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, key, ".tmp");
      Files.write(tmp, contents);
      try {
        Files.move(tmp, dir.resolve(key + suffix), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(key + suffix), StandardCopyOption.REPLACE_EXISTING);
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

  /**
   * Deletes the oldest-used entries beyond {@link #KEEP}, the oldest-written pointers beyond as many, and
   * temporary files left by a killed writer.
   */
  private void prune() throws IOException {
    prune(SUFFIX);
    prune(POINTER);
  }

  private void prune(String suffix) throws IOException {
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
        return name.endsWith(suffix);
      }).toList();
      if (entries.size() <= KEEP) {
        return;
      }
      // Each file's time read once: another process (or test) touching an entry while the sort runs
      // made the comparisons disagree, and TimSort threw "Comparison method violates its general
      // contract" out of a compile.
      Map<Path, Long> times = new HashMap<>();
      entries.forEach(f -> times.put(f, modified(f)));
      List<Path> oldestFirst = entries.stream().sorted(Comparator.comparingLong(times::get)).toList();
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
