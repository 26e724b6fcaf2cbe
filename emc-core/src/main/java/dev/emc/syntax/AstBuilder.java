package dev.emc.syntax;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.syntax.Ast.Expr;
import dev.emc.syntax.Ast.Ident;
import dev.emc.syntax.Ast.Item;
import dev.emc.syntax.antlr.EmcParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Turns an error-free parse tree into the {@link Ast}. The only reader of ANTLR's contexts. */
final class AstBuilder {
  private final Diagnostics diagnostics;

  AstBuilder(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  Ast.Program program(EmcParser.ProgramContext ctx) {
    Optional<Ident> name = Optional.ofNullable(ctx.header()).map(h -> ident(h.name));
    List<Item> items = new ArrayList<>();
    for (EmcParser.ItemContext item : ctx.item()) {
      items.add(item(item));
    }
    return new Ast.Program(name, items, span(ctx));
  }

  private Item item(EmcParser.ItemContext ctx) {
    if (ctx.constDecl() != null) {
      EmcParser.ConstDeclContext c = ctx.constDecl();
      return new Ast.ConstDecl(ident(c.name), expr(c.value), span(c));
    }
    if (ctx.varDecl() != null) {
      EmcParser.VarDeclContext d = ctx.varDecl();
      List<Ident> index = d.index.stream().map(this::ident).toList();
      return new Ast.VarDecl(
          Ast.Role.ofKeyword(d.role.getText()), ident(d.name), index, type(d.type()), span(d));
    }
    EmcParser.TildeContext t = ctx.tilde();
    return new Ast.Tilde(exprs(t.lhs), ident(t.family), exprs(t.args), span(t));
  }

  private Ast.TypeExpr type(EmcParser.TypeContext ctx) {
    if (ctx instanceof EmcParser.RangeTypeContext r) {
      return new Ast.RangeType(expr(r.lo), expr(r.hi), span(r));
    }
    EmcParser.NamedTypeContext n = (EmcParser.NamedTypeContext) ctx;
    return new Ast.NamedType(ident(n.name), exprs(n.dims), span(n));
  }

  private Expr expr(EmcParser.ExprContext ctx) {
    if (ctx instanceof EmcParser.NegationContext n) {
      return new Ast.Neg(expr(n.operand), span(n));
    }
    if (ctx instanceof EmcParser.BinaryContext b) {
      return new Ast.Binary(Ast.Op.ofSymbol(b.op.getText()), expr(b.left), expr(b.right), span(b));
    }
    if (ctx instanceof EmcParser.IndexContext i) {
      return new Ast.Index(ident(i.name), exprs(i.indices), span(i));
    }
    if (ctx instanceof EmcParser.CallContext c) {
      return new Ast.Call(ident(c.name), exprs(c.args), span(c));
    }
    if (ctx instanceof EmcParser.ParensContext p) {
      return expr(p.inner);
    }
    if (ctx instanceof EmcParser.NumberContext n) {
      return number(n.value, span(n));
    }
    EmcParser.NameContext n = (EmcParser.NameContext) ctx;
    return new Ast.Name(n.name.getText(), span(n));
  }

  private Ast.Num number(Token token, Span span) {
    String text = token.getText();
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      diagnostics.error("syntax", span, "the number " + text + " is too large for a double");
      value = Double.MAX_VALUE;
    }
    return new Ast.Num(value, token.getType() == EmcParser.INT, text, span);
  }

  private List<Expr> exprs(List<EmcParser.ExprContext> list) {
    return list.stream().map(this::expr).toList();
  }

  private Ident ident(Token token) {
    return new Ident(token.getText(), new Span(token.getStartIndex(), token.getStopIndex() + 1));
  }

  private static Span span(ParserRuleContext ctx) {
    int start = ctx.getStart().getStartIndex();
    Token stop = ctx.getStop();
    int end = stop == null || stop.getType() == Token.EOF ? start : stop.getStopIndex() + 1;
    return new Span(start, Math.max(start, end));
  }
}
