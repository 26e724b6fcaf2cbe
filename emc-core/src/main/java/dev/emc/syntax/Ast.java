package dev.emc.syntax;

import dev.emc.diag.Span;
import java.util.List;
import java.util.Optional;

/**
 * The abstract syntax of a model: immutable records, each with the span of text it came from.
 * Spans never take part in equality (see {@link Span}), so two parses of the same model with
 * different layout are equal.
 */
public final class Ast {
  private Ast() {}

  /** A whole file: an optional `model name;` header and its items in order. */
  public record Program(Optional<Ident> name, List<Item> items, Span span) {
    public Program {
      items = List.copyOf(items);
    }
  }

  /** A name as written, with where it was written. */
  public record Ident(String text, Span span) {}

  public sealed interface Item permits ConstDecl, VarDecl, Tilde {
    Span span();
  }

  /** {@code K = 2;} */
  public record ConstDecl(Ident name, Expr value, Span span) implements Item {}

  public enum Role {
    DATA("data"),
    LATENT("latent"),
    PARAM("param"),
    COVARIATE("covariate");

    private final String keyword;

    Role(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }

    static Role ofKeyword(String keyword) {
      for (Role r : values()) {
        if (r.keyword.equals(keyword)) {
          return r;
        }
      }
      throw new IllegalArgumentException(keyword);
    }
  }

  /** {@code param mu[z] : vector[D];} — {@code index} lists the latents the array runs over. */
  public record VarDecl(Role role, Ident name, List<Ident> index, TypeExpr type, Span span)
      implements Item {
    public VarDecl {
      index = List.copyOf(index);
    }
  }

  /** A type as written: {@code vector[D]}, {@code positive}, or a range {@code 1..K}. */
  public sealed interface TypeExpr permits NamedType, RangeType {
    Span span();
  }

  public record NamedType(Ident name, List<Expr> dims, Span span) implements TypeExpr {
    public NamedType {
      dims = List.copyOf(dims);
    }
  }

  public record RangeType(Expr lo, Expr hi, Span span) implements TypeExpr {}

  /**
   * {@code lhs ~ Family(args);} — a distribution of a data or latent variable, or a prior; a joint
   * prior has several left sides, {@code (mu, Sigma) ~ …}.
   */
  public record Tilde(List<Expr> targets, Ident family, List<Expr> args, Span span) implements Item {
    public Tilde {
      targets = List.copyOf(targets);
      args = List.copyOf(args);
    }

    /** The left side; the first of a joint prior's. */
    public Expr lhs() {
      return targets.get(0);
    }
  }

  public sealed interface Expr permits Num, Name, Index, Call, Binary, Neg {
    Span span();
  }

  /** A number literal; {@code integral} when written without a point or exponent. */
  public record Num(double value, boolean integral, String text, Span span) implements Expr {}

  public record Name(String text, Span span) implements Expr {}

  /** {@code mu[z]} */
  public record Index(Ident base, List<Expr> indices, Span span) implements Expr {
    public Index {
      indices = List.copyOf(indices);
    }
  }

  /** {@code dot(beta[z], u)} */
  public record Call(Ident function, List<Expr> args, Span span) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  public enum Op {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    static Op ofSymbol(String s) {
      for (Op op : values()) {
        if (op.symbol.equals(s)) {
          return op;
        }
      }
      throw new IllegalArgumentException(s);
    }
  }

  public record Binary(Op op, Expr left, Expr right, Span span) implements Expr {}

  public record Neg(Expr operand, Span span) implements Expr {}
}
