package dev.emc.diag;

import java.util.Optional;

/**
 * One message for the user: what is wrong ({@code message}), where ({@code source} and
 * {@code span}, both absent for a problem with no place in a file, such as a command-line value),
 * and a stable {@code code} that tests and documentation can name.
 */
public record Diagnostic(
    String code, Severity severity, Optional<Source> source, Optional<Span> span, String message) {

  public Diagnostic {
    if (span.isPresent() && source.isEmpty()) {
      throw new IllegalArgumentException("a span needs its source");
    }
  }

  public static Diagnostic error(String code, Source source, Span span, String message) {
    return new Diagnostic(code, Severity.ERROR, Optional.of(source), Optional.of(span), message);
  }

  /** An error that belongs to a file as a whole, or to a line and column found without a span. */
  public static Diagnostic error(String code, String message) {
    return new Diagnostic(code, Severity.ERROR, Optional.empty(), Optional.empty(), message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
