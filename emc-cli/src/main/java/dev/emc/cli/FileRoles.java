package dev.emc.cli;

import dev.emc.api.AtomicFiles;
import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a command reads and the files it writes, checked before any work: no output is an
 * input or another output, and each output can be written. Outputs are written through here too,
 * so that one that fails all the same (a full disk, a directory removed meanwhile) is a message
 * with its path, not a crash after the work.
 */
final class FileRoles {
  /** A file named on the command line, by the option that named it. */
  private record Named(String option, Path path) {
    @Override
    public String toString() {
      return option + " " + path;
    }
  }

  private final List<Named> inputs = new ArrayList<>();
  private final List<Named> outputs = new ArrayList<>();

  /** The files every command reads: the model and the --plugin jars. */
  static FileRoles of(Main main, ModelInput input) {
    return of(main, List.of(input.model));
  }

  /** The files every command reads: the models and the --plugin jars. */
  static FileRoles of(Main main, List<Path> models) {
    FileRoles roles = new FileRoles();
    models.forEach(model -> roles.reads("MODEL", model));
    main.plugins.forEach(jar -> roles.reads("--plugin", jar));
    return roles;
  }

  /** Reads {@code file} (none when null). */
  FileRoles reads(String option, Path file) {
    if (file != null) {
      inputs.add(new Named(option, file));
    }
    return this;
  }

  /** Writes {@code file} (none when null). */
  FileRoles writes(String option, Path file) {
    if (file != null) {
      outputs.add(new Named(option, file));
    }
    return this;
  }

  /** Every output can be written and is neither an input nor another output; else one message. */
  void check() {
    for (int i = 0; i < outputs.size(); i++) {
      Named out = outputs.get(i);
      for (Named in : inputs) {
        if (same(out.path, in.path)) {
          throw error(out + " would overwrite the input " + in);
        }
      }
      for (Named other : outputs.subList(0, i)) {
        if (same(out.path, other.path)) {
          throw error(other + " and " + out + " name the same file");
        }
      }
      String why = unwritable(out.path);
      if (why != null) {
        throw error("cannot write " + out + ": " + why);
      }
    }
  }

  /** Why {@code file} cannot be written as {@link AtomicFiles} writes it, or null when it can. */
  private static String unwritable(Path file) {
    if (Files.exists(file)) {
      if (Files.isDirectory(file)) {
        return "it is a directory";
      }
      // A device (/dev/null) would be replaced by an ordinary file, not written to.
      if (!Files.isRegularFile(file)) {
        return "it is not an ordinary file";
      }
      if (!Files.isWritable(file)) {
        return "it is read-only";
      }
    }
    // The file is renamed into place: its directory, or the first one that exists above it, must be writable.
    Path dir = file.toAbsolutePath().getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir == null || !Files.isDirectory(dir)) {
      return dir + " is not a directory";
    }
    return Files.isWritable(dir) ? null : "the directory " + dir + " is not writable";
  }

  /** Whether two paths name one file: the same file when both exist, else the same real place. */
  private static boolean same(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
      return place(a).equals(place(b));
    } catch (IOException e) {
      return false; // a file that cannot be looked at is reported when it is read or written
    }
  }

  /** The path with the part of it that exists resolved (links followed), the rest as written. */
  private static Path place(Path file) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing.getParent() != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing.toRealPath().resolve(existing.relativize(absolute));
  }

  /** Writing one output, which may fail like any file system operation. */
  interface Write<T> {
    T run() throws IOException;
  }

  /** Writes {@code text} to {@code file} whole; a failure is a message with the path, exit 2. */
  static void write(Path file, String text) {
    write(file, () -> {
      AtomicFiles.write(file, text);
      return null;
    });
  }

  /** Runs {@code write}, which writes {@code file}; a failure is a message with the path, exit 2. */
  static <T> T write(Path file, Write<T> write) {
    try {
      return write.run();
    } catch (IOException e) {
      throw error("cannot write " + file + ": " + reason(e));
    }
  }

  /** What went wrong, in words: the file system's own, or the exception's kind when it gave none. */
  private static String reason(IOException e) {
    if (!(e instanceof FileSystemException f)) {
      return e.getMessage();
    }
    if (f.getReason() != null) {
      return f.getReason();
    }
    String what = f instanceof NoSuchFileException ? "no such file or directory"
        : f instanceof AccessDeniedException ? "permission denied"
        : f instanceof NotDirectoryException || f instanceof FileAlreadyExistsException ? "not a directory"
        : f.getClass().getSimpleName();
    return what + ": " + f.getFile();
  }

  private static DiagnosticException error(String message) {
    return new DiagnosticException(Diagnostic.error("io", message));
  }
}
