package dev.emc.codegen;

/**
 * Text from a model on its way into generated Java. A model file is data: nothing in it may
 * become code when javac reads the generated class. javac turns every {@code \}{@code uXXXX}
 * escape into its character before it reads a single token, anywhere in the file, comments
 * included; so an escaped line end would end a {@code //} comment, and an escaped star and slash
 * a block comment, and what followed would be compiled.
 */
final class JavaText {
  private JavaText() {}

  /**
   * Model text made inert inside any comment, {@code //} or Javadoc: every backslash doubled, so
   * that none can start an escape; every line terminator and other control character a space, so
   * that a {@code //} comment ends where emc ends it; a star-slash and an at sign as HTML entities,
   * so that Javadoc neither closes nor starts a tag.
   */
  static String comment(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        b.append("\\\\");
      } else if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        b.append("*&#47;");
        i++;
      } else if (c == '@') {
        b.append("&#64;");
      } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        b.append(' ');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Refuses a generated source that javac would read differently from its text: one with a
   * Unicode escape, or with a control character other than a line feed. The generator makes
   * none; this keeps a future slip from being a way in.
   */
  static String checked(String source) {
    int backslashes = 0;
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == 'u' && backslashes % 2 == 1) {
        throw new IllegalStateException("generated source has a Unicode escape at offset " + (i - 1));
      }
      if (Character.isISOControl(c) && c != '\n') {
        throw new IllegalStateException("generated source has control character U+"
            + String.format("%04X", (int) c) + " at offset " + i);
      }
      backslashes = c == '\\' ? backslashes + 1 : 0;
    }
    return source;
  }
}
