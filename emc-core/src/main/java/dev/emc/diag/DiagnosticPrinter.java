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
 * The caret line underlines the whole span (on its first line) with {@code ^}. A long line is
 * shown as the part of it around the caret. After the first {@link #LIMIT} diagnostics, one line
 * counts the rest: a storm of errors is mostly echoes of the first ones.
 */
public final class DiagnosticPrinter {
  private static final String INDENT = "    ";
  /** How many diagnostics are printed; the rest are counted. */
  static final int LIMIT = 50;
  /** How much of a source line is shown, in code points. */
  static final int LINE = 120;

  private DiagnosticPrinter() {}

  public static String render(List<Diagnostic> diagnostics) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : diagnostics.subList(0, Math.min(LIMIT, diagnostics.size()))) {
      render(d, out);
    }
    if (diagnostics.size() > LIMIT) {
      List<Diagnostic> rest = diagnostics.subList(LIMIT, diagnostics.size());
      Severity severity = rest.get(0).severity();
      boolean alike = rest.stream().allMatch(d -> d.severity() == severity);
      out.append("and ").append(rest.size()).append(" more ")
          .append(alike ? severity.label() : "diagnostic").append(rest.size() == 1 ? "" : "s").append('\n');
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
      int[] text = source.lineText(line).codePoints().toArray();
      // The shown part: the whole line, or LINE code points around the caret, with … where cut.
      int from = text.length <= LINE ? 0 : Math.max(0, Math.min(column - 1 - LINE / 4, text.length - LINE));
      int to = Math.min(text.length, from + LINE);
      String shown = (from > 0 ? "…" : "") + new String(text, from, to - from) + (to < text.length ? "…" : "");
      out.append(INDENT).append(shown).append('\n');
      int width = Math.max(1, Math.min(span.end(), span.start() + to + 1 - column) - span.start());
      out.append(INDENT).append(padding(shown, column - 1 - from + (from > 0 ? 1 : 0)))
          .append("^".repeat(width)).append('\n');
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
