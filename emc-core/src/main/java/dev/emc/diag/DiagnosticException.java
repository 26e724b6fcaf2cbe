package dev.emc.diag;

import java.util.List;

/**
 * Thrown by the public entry points (the Java API, the command line) when a stage reported errors.
 * It carries the diagnostics; {@link DiagnosticPrinter} renders them.
 */
public final class DiagnosticException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public DiagnosticException(List<Diagnostic> diagnostics) {
    super(diagnostics.isEmpty() ? "failed" : diagnostics.get(0).message());
    this.diagnostics = List.copyOf(diagnostics);
  }

  public DiagnosticException(Diagnostic diagnostic) {
    this(List.of(diagnostic));
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  @Override
  public String getMessage() {
    return DiagnosticPrinter.render(diagnostics).strip();
  }
}
