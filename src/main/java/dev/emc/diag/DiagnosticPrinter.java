package dev.emc.diag;

import java.util.List;

/**
 * The one place diagnostics become text, in the form compilers share:
 *
 * <pre>
 * examples/gmm.model:3:21: error: expected `;` after `)`
 *     z ~ Categorical(phi)
 *                         ^
 * </pre>
 *
 * The caret line underlines the whole span (on its first line) with {@code ^}.
 */
public final class DiagnosticPrinter {
  private static final String INDENT = "    ";

  private DiagnosticPrinter() {}

  public static String render(List<Diagnostic> diagnostics) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      render(d, out);
    }
    return out.toString();
  }

  public static String render(Diagnostic d) {
    StringBuilder out = new StringBuilder();
    render(d, out);
    return out.toString();
  }

  private static void render(Diagnostic d, StringBuilder out) {
    if (d.source().isPresent() && d.span().isPresent()) {
      Source source = d.source().get();
      Span span = d.span().get();
      int line = source.line(span.start());
      int column = source.column(span.start());
      out.append(source.name()).append(':').append(line).append(':').append(column).append(": ");
      out.append(d.severity().label()).append(": ").append(d.message()).append('\n');
      String text = source.lineText(line);
      out.append(INDENT).append(text).append('\n');
      int lineEnd = text.codePointCount(0, text.length()) + 1;
      int width = Math.max(1, Math.min(span.end(), span.start() + lineEnd - column) - span.start());
      out.append(INDENT).append(padding(text, column - 1)).append("^".repeat(width)).append('\n');
    } else if (d.source().isPresent()) {
      out.append(d.source().get().name()).append(": ");
      out.append(d.severity().label()).append(": ").append(d.message()).append('\n');
    } else {
      out.append("emc: ").append(d.severity().label()).append(": ").append(d.message()).append('\n');
    }
  }

  /** Spaces up to a column, keeping the line's tabs so the caret lands under the token. */
  private static String padding(String line, int columns) {
    StringBuilder pad = new StringBuilder();
    int[] cps = line.codePoints().toArray();
    for (int i = 0; i < columns; i++) {
      pad.append(i < cps.length && cps[i] == '\t' ? '\t' : ' ');
    }
    return pad.toString();
  }
}
