package dev.emc.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A text file as emc reads one, model or data: UTF-8, without the byte-order mark some editors
 * put first. Bytes that are not UTF-8 are an error at their line and column, in the user's words.
 */
public final class TextFile {
  private static final char BOM = '\uFEFF';

  private TextFile() {}

  /** The whole text; bytes that are not UTF-8 are a {@link DataException} at their line and column. */
  public static String read(Path path) throws IOException, DataException {
    try (BufferedReader r = open(path)) {
      StringBuilder b = new StringBuilder();
      char[] chunk = new char[8192];
      for (int n; (n = r.read(chunk)) > 0; ) {
        b.append(chunk, 0, n);
      }
      return b.toString();
    } catch (CharacterCodingException e) {
      throw notUtf8(path);
    }
  }

  /** The text after the byte-order mark, if any; bytes that are not UTF-8 throw {@link CharacterCodingException}. */
  public static BufferedReader open(Path path) throws IOException {
    return skipMark(new BufferedReader(new InputStreamReader(bytes(path), StandardCharsets.UTF_8.newDecoder())));
  }

  /** The same, with each stretch of bytes that are not UTF-8 read as U+FFFD: for showing a line. */
  static BufferedReader openLeniently(Path path) throws IOException {
    return skipMark(new BufferedReader(new InputStreamReader(bytes(path), StandardCharsets.UTF_8)));
  }

  /**
   * The file's bytes, decompressed when it is gzip (known by its first two bytes, whatever its
   * name): every reader of data goes through here, so a .gz file reads, and shows its lines in
   * messages, like the text inside it.
   */
  public static InputStream bytes(Path path) throws IOException {
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path), 1 << 16);
    try {
      return gzip(path) ? new GZIPInputStream(in, 1 << 16) : in;
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  /** Whether the file starts with gzip's magic bytes (1F 8B). */
  public static boolean gzip(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return in.read() == 0x1F && in.read() == 0x8B;
    }
  }

  /** The first line's text (null for an empty file or one that cannot be read): what a delimiter is detected from. */
  static String firstLine(Path path) {
    try (BufferedReader r = openLeniently(path)) {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Standard input copied to a temporary file, deleted when the JVM exits. The readers read a file
   * more than once (the fast path, then the general reader where it gives up, then a line again for
   * a message) and a streamed fit reads it in its own pass: a stream can be read once, a file again.
   */
  public static Path spool(InputStream in) throws IOException {
    Path file = Files.createTempFile("emc-stdin-", ".csv");
    file.toFile().deleteOnExit();
    Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  private static BufferedReader skipMark(BufferedReader r) throws IOException {
    r.mark(1);
    if (r.read() != BOM) {
      r.reset();
    }
    return r;
  }

  /**
   * The first bytes of the file that are not UTF-8, as an error at their line and column (in code
   * points, as a reader counts on the screen), with the line shown.
   */
  static DataException notUtf8(Path path) {
    return notUtf8(path, path.toString());
  }

  static DataException notUtf8(Path path, String name) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    CharBuffer chars = CharBuffer.allocate(1 << 16);
    int line = 1;
    int column = 1;
    boolean first = true;
    try (InputStream in = bytes(path)) {
      boolean eof = false;
      while (true) {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        eof = n < 0;
        bytes.position(bytes.position() + Math.max(0, n)).flip();
        CoderResult result = decoder.decode(bytes, chars, eof);
        chars.flip();
        while (chars.hasRemaining()) {
          char c = chars.get();
          if (c == '\n') {
            line++;
            column = 1;
          } else if (!Character.isLowSurrogate(c) && !(first && c == BOM)) {
            column++;
          }
          first = false;
        }
        chars.clear();
        if (result.isMalformed()) {
          String text = lineText(path, line);
          return new DataException(name, line, column, 1, text, String.format(
              "not UTF-8 text (byte 0x%02X); save the file as UTF-8", bytes.get(bytes.position()) & 0xFF));
        }
        if (eof && !result.isOverflow()) {
          return new DataException(name, "cannot read the file as UTF-8 text");
        }
      }
    } catch (IOException e) {
      return new DataException(name, "cannot read the file: " + e.getMessage());
    }
  }

  /** A 1-based line's text, read again only when there is an error to show; null if it cannot be. */
  static String lineText(Path path, int line) {
    try (BufferedReader r = openLeniently(path)) {
      String s = null;
      for (int i = 0; i < line; i++) {
        s = r.readLine();
      }
      return s;
    } catch (IOException e) {
      return null;
    }
  }
}
