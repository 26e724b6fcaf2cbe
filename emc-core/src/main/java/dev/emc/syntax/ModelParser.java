package dev.emc.syntax;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.syntax.antlr.EmcLexer;
import dev.emc.syntax.antlr.EmcParser;
import java.util.Optional;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/**
 * The syntax stage: model text to {@link Ast.Program}, or diagnostics.
 *
 * <p>ANTLR's console listeners are removed; syntax errors go through {@link SyntaxErrors}. The
 * AST is built only from a tree without errors, so the builder never meets a half-parsed rule.
 */
public final class ModelParser {
  /** The message for input nested past the stack: no model needs that depth. */
  public static final String TOO_DEEP = "the model is nested too deeply to read";

  private ModelParser() {}

  /** Empty when the text has syntax errors, which are then in {@code diagnostics}. */
  public static Optional<Ast.Program> parse(Source source, Diagnostics diagnostics) {
    EmcLexer lexer = new EmcLexer(CharStreams.fromString(source.text(), source.name()));
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    tokens.fill(); // lets error reports look ahead to the end of a statement
    EmcParser parser = new EmcParser(tokens);
    parser.removeErrorListeners();
    parser.setErrorHandler(new SyntaxErrors(diagnostics));
    try {
      EmcParser.ProgramContext tree = parser.program();
      if (diagnostics.hasErrors()) {
        return Optional.empty();
      }
      Ast.Program program = new AstBuilder(diagnostics).program(tree);
      return diagnostics.hasErrors() ? Optional.empty() : Optional.of(program);
    } catch (StackOverflowError e) {
      // Only pathological nesting gets here: ((((…)))) thousands deep.
      diagnostics.error("syntax", new Span(0, 0), TOO_DEEP);
      return Optional.empty();
    }
  }
}
