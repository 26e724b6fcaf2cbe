package dev.emc.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Collects the diagnostics of one stage over one source; a stage's caller checks for errors. */
public final class Diagnostics {
  private final Source source;
  private final List<Diagnostic> list = new ArrayList<>();

  public Diagnostics(Source source) {
    this.source = source;
  }

  public Source source() {
    return source;
  }

  public void error(String code, Span span, String message) {
    list.add(Diagnostic.error(code, source, span, message));
  }

  /** An error about the source as a whole: {@code file: error: message}. */
  public void errorInFile(String code, String message) {
    list.add(new Diagnostic(code, Severity.ERROR, Optional.of(source), Optional.empty(), message));
  }

  /** An error with no place in the source, such as a bad command-line value. */
  public void error(String code, String message) {
    list.add(Diagnostic.error(code, message));
  }

  public void warning(String code, Span span, String message) {
    add(Severity.WARNING, code, span, message);
  }

  public void note(String code, Span span, String message) {
    add(Severity.NOTE, code, span, message);
  }

  private void add(Severity severity, String code, Span span, String message) {
    list.add(new Diagnostic(code, severity, Optional.of(source), Optional.ofNullable(span), message));
  }

  public void addAll(List<Diagnostic> more) {
    list.addAll(more);
  }

  public boolean hasErrors() {
    return list.stream().anyMatch(Diagnostic::isError);
  }

  /** In source order, so that the first message printed is the first problem in the file. */
  public List<Diagnostic> all() {
    List<Diagnostic> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingInt(d -> d.span().map(Span::start).orElse(Integer.MAX_VALUE)));
    return List.copyOf(sorted);
  }
}
