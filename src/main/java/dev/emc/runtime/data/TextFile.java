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
    return skipMark(Files.newBufferedReader(path, StandardCharsets.UTF_8));
  }

  /** The same, with each stretch of bytes that are not UTF-8 read as U+FFFD: for showing a line. */
  static BufferedReader openLeniently(Path path) throws IOException {
    return skipMark(new BufferedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8)));
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
    String name = path.toString();
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    CharBuffer chars = CharBuffer.allocate(1 << 16);
    int line = 1;
    int column = 1;
    boolean first = true;
    try (InputStream in = Files.newInputStream(path)) {
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
