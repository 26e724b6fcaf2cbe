package dev.emc.diag;

/**
 * A range [start, end) of code-point offsets in a {@link Source}.
 *
 * <p>Spans are metadata, as in stanc3: every span equals every other, so the records that carry
 * one (the AST, the checked model) compare by their meaning alone. Never key a map by a span.
 */
public record Span(int start, int end) {
  public Span {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad span: " + start + ".." + end);
    }
  }

  /** The smallest span covering both. */
  public Span to(Span other) {
    return new Span(Math.min(start, other.start), Math.max(end, other.end));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Span;
  }

  @Override
  public int hashCode() {
    return 0;
  }
}
