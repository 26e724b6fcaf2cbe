package dev.emc.api;

import dev.emc.diag.Diagnostic;
import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.dist.Families;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Checker;
import dev.emc.syntax.Ast;
import dev.emc.syntax.ModelParser;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Text to checked model: the syntax and semantic stages, with a gate after each. */
public final class Frontend {
  private Frontend() {}

  /** What the front end made of a model: the checked model, or the errors that stopped it. */
  public record Result(Optional<CheckedModel> model, List<Diagnostic> diagnostics) {}

  public static Result check(Source source, Families families, Map<String, Double> settings) {
    Diagnostics diagnostics = new Diagnostics(source);
    Optional<Ast.Program> program = ModelParser.parse(source, diagnostics);
    Optional<CheckedModel> model;
    try {
      model = program.flatMap(p -> Checker.check(p, source, families, settings, diagnostics));
    } catch (StackOverflowError e) {
      diagnostics.error("syntax", new Span(0, 0), ModelParser.TOO_DEEP);
      model = Optional.empty();
    }
    return new Result(model, diagnostics.all());
  }
}
