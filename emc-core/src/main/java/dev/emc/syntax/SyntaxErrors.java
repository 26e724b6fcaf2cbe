package dev.emc.syntax;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.syntax.antlr.EmcLexer;
import dev.emc.syntax.antlr.EmcParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery, our words. Each report names what was expected in the user's terms ("an
 * expression", "a family name") and where the statement stands ("in the arguments of Normal"),
 * instead of ANTLR's token-set dump. A missing token is reported just after the token it should
 * follow, which is where the user has to type it.
 */
final class SyntaxErrors extends DefaultErrorStrategy {
  /** Beyond this many, later syntax errors are mostly echoes of the first ones. */
  static final int LIMIT = 10;

  private final Diagnostics diagnostics;
  private int reported;
  /** Token index up to which errors are echoes of the last one: the end of its statement. */
  private int quietThrough = -1;

  SyntaxErrors(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  @Override
  public void reportError(Parser parser, RecognitionException e) {
    // The default only guards against reporting twice while recovering; keep that.
    if (inErrorRecoveryMode(parser)) {
      return;
    }
    beginErrorCondition(parser);
    // No viable alternative and input mismatch read the same to a user: this token, not that.
    unexpected(parser, e.getOffendingToken(), parser.getExpectedTokens());
  }

  @Override
  protected void reportUnwantedToken(Parser parser) {
    if (inErrorRecoveryMode(parser)) {
      return;
    }
    beginErrorCondition(parser);
    unexpected(parser, parser.getCurrentToken(), parser.getExpectedTokens());
  }

  @Override
  protected void reportMissingToken(Parser parser) {
    if (inErrorRecoveryMode(parser)) {
      return;
    }
    beginErrorCondition(parser);
    Token previous = parser.getTokenStream().LT(-1);
    String what = expected(parser.getExpectedTokens(), parser.getContext());
    Token current = parser.getCurrentToken();
    if (previous == null) {
      report(parser, current, span(current), "expected " + what);
    } else {
      report(parser, current, after(previous), "expected " + what + " after " + describe(previous)
          + where(parser.getContext()));
    }
  }

  private void unexpected(Parser parser, Token t, IntervalSet expectedSet) {
    if (special(parser, t)) {
      return;
    }
    ParserRuleContext ctx = parser.getContext();
    String expected = expected(expectedSet, ctx);
    Token previous = parser.getTokenStream().LT(-1);
    if (t.getType() == Token.EOF) {
      Span at = previous == null ? span(t) : after(previous);
      report(parser, t, at, "expected " + expected + where(ctx) + ", but the file ends");
      return;
    }
    if (isKeyword(t.getType()) && expectedSet.contains(EmcLexer.ID)) {
      report(parser, t, span(t), "`" + t.getText() + "` is a keyword and cannot be used as a name");
      return;
    }
    if (ctx instanceof EmcParser.VarDeclContext d && d.name == null && previous != null
        && isKeyword(previous.getType())) {
      // `data ~ Normal(…)`: a keyword where the user meant a variable's name.
      report(parser, t, span(previous), "`" + previous.getText()
          + "` is a keyword and cannot be used as a name");
      return;
    }
    report(parser, t, span(t), "expected " + expected + where(ctx) + ", found " + describe(t));
  }

  /** Tokens that are errors of their own, whatever the parser expected. */
  private boolean special(Parser parser, Token t) {
    if (t.getType() == EmcLexer.UNEXPECTED) {
      report(parser, t, span(t), "unexpected character " + quote(t.getText()));
      return true;
    }
    if (t.getType() == EmcLexer.UNTERMINATED_COMMENT) {
      report(parser, t, new Span(t.getStartIndex(), t.getStartIndex() + 2),
          "this comment is never closed: `/*` needs a matching `*/`");
      return true;
    }
    return false;
  }

  /**
   * Reports one error, unless an earlier error in the same statement was reported: ANTLR's
   * recovery goes on inside a broken statement, and what it trips on there is noise.
   */
  private void report(Parser parser, Token at, Span span, String message) {
    if (at.getTokenIndex() <= quietThrough) {
      return;
    }
    quietThrough = endOfStatement(parser, at);
    reported++;
    if (reported <= LIMIT) {
      diagnostics.error("syntax", span, message);
    }
  }

  /** The index of the first `;` after a token (or of the end of the file). */
  private static int endOfStatement(Parser parser, Token at) {
    TokenStream tokens = parser.getInputStream();
    int semicolon = literalType(";");
    for (int i = Math.max(0, at.getTokenIndex() + 1); ; i++) {
      Token t = tokens.get(Math.min(i, tokens.size() - 1));
      if (t.getType() == semicolon || t.getType() == Token.EOF || i >= tokens.size() - 1) {
        return t.getTokenIndex();
      }
    }
  }

  /** What the parser could have accepted, in words. */
  static String expected(IntervalSet set, ParserRuleContext ctx) {
    List<String> words = new ArrayList<>();
    boolean expression = set.contains(EmcLexer.INT) && set.contains(EmcLexer.ID);
    boolean statement = expression && set.contains(EmcLexer.PARAM);
    if (statement) {
      words.add("a declaration or a `~` statement");
    } else if (expression) {
      words.add(ctx instanceof EmcParser.TypeContext || ctx instanceof EmcParser.VarDeclContext
          ? "a type" : "an expression");
    }
    for (int type : set.toArray()) {
      if (expression && (type == EmcLexer.ID || type == EmcLexer.INT || type == EmcLexer.REAL
          || isLiteral(type, "(") || isLiteral(type, "-"))) {
        continue;
      }
      if (statement && (isKeyword(type) || type == Token.EOF)) {
        continue;
      }
      if (type == EmcLexer.ID) {
        words.add(nameWord(ctx));
      } else if (type == Token.EOF) {
        words.add("the end of the file");
      } else if (type == EmcLexer.INT || type == EmcLexer.REAL) {
        if (!words.contains("a number")) {
          words.add("a number");
        }
      } else {
        words.add(EmcParser.VOCABULARY.getLiteralName(type) == null
            ? EmcParser.VOCABULARY.getDisplayName(type)
            : "`" + literal(type) + "`");
      }
    }
    if (words.isEmpty()) {
      return "something else";
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  private static String nameWord(ParserRuleContext ctx) {
    if (ctx instanceof EmcParser.TildeContext) {
      return "a family name (such as `Normal`)";
    }
    if (ctx instanceof EmcParser.HeaderContext) {
      return "the model's name";
    }
    if (ctx instanceof EmcParser.VarDeclContext) {
      return "a name";
    }
    return "a name";
  }

  /** " in the arguments of Normal", from the innermost statement around the error. */
  static String where(ParserRuleContext ctx) {
    for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
      if (c instanceof EmcParser.TildeContext t) {
        boolean open = t.getToken(literalType("("), 0) != null;
        boolean closed = t.getToken(literalType(")"), 0) != null;
        if (open && !closed && t.family != null) {
          return " in the arguments of " + t.family.getText();
        }
        return closed ? "" : " in the `~` statement";
      }
      if (c instanceof EmcParser.VarDeclContext d) {
        return d.name != null && d.name.getType() == EmcLexer.ID
            ? " in the declaration of " + d.name.getText() : " in the declaration";
      }
      if (c instanceof EmcParser.ConstDeclContext k) {
        return k.name != null ? " in the definition of " + k.name.getText() : "";
      }
      if (c instanceof EmcParser.HeaderContext) {
        return " in the model header";
      }
    }
    return "";
  }

  static String describe(Token t) {
    if (t.getType() == Token.EOF) {
      return "the end of the file";
    }
    return quote(t.getText());
  }

  private static String quote(String text) {
    return text.contains("`") ? "'" + text + "'" : "`" + text + "`";
  }

  private static String literal(int type) {
    String lit = EmcParser.VOCABULARY.getLiteralName(type);
    return lit.substring(1, lit.length() - 1);
  }

  private static int literalType(String text) {
    for (int type = 1; type <= EmcParser.VOCABULARY.getMaxTokenType(); type++) {
      if (isLiteral(type, text)) {
        return type;
      }
    }
    throw new IllegalArgumentException(text);
  }

  private static boolean isLiteral(int type, String text) {
    return ("'" + text + "'").equals(EmcParser.VOCABULARY.getLiteralName(type));
  }

  private static boolean isKeyword(int type) {
    return type == EmcLexer.MODEL || type == EmcLexer.DATA || type == EmcLexer.LATENT
        || type == EmcLexer.PARAM || type == EmcLexer.COVARIATE;
  }

  private static Span span(Token t) {
    if (t.getType() == Token.EOF) {
      int at = Math.max(0, t.getStartIndex());
      return new Span(at, at);
    }
    return new Span(t.getStartIndex(), t.getStopIndex() + 1);
  }

  private static Span after(Token t) {
    int end = t.getType() == Token.EOF ? Math.max(0, t.getStartIndex()) : t.getStopIndex() + 1;
    return new Span(end, end);
  }
}
