package dev.emc.semantics;

import dev.emc.diag.Span;
import dev.emc.syntax.Ast;
import dev.emc.types.Type;
import java.util.List;

/** A checked argument expression: every node knows its type. */
public sealed interface Term {
  Type type();

  Span span();

  /** A number written in the model. */
  record Number(double value, Type type, Span span) implements Term {}

  /** A named constant, kept by name so that later stages can show {@code alpha}, not 2.0. */
  record ConstRef(String name, double value, Type type, Span span) implements Term {}

  /**
   * A variable, indexed by latent variables when it is an array: {@code mu[z]}; or, with
   * {@code previous}, by the previous row's value of the latent: {@code A[prev(z)]}, a row of an
   * HMM's transition matrix.
   */
  record VarRef(String name, List<String> indices, Type type, Span span, boolean previous) implements Term {
    public VarRef {
      indices = List.copyOf(indices);
    }

    public VarRef(String name, List<String> indices, Type type, Span span) {
      this(name, indices, type, span, false);
    }
  }

  record Arith(Ast.Op op, Term left, Term right, Type type, Span span) implements Term {
    /** a + b: what later stages ask, without knowing the syntax's operators. */
    public boolean isSum() {
      return op == Ast.Op.ADD;
    }

    /** a * b. */
    public boolean isProduct() {
      return op == Ast.Op.MUL;
    }

    /** a / b. */
    public boolean isQuotient() {
      return op == Ast.Op.DIV;
    }
  }

  record Negate(Term operand, Type type, Span span) implements Term {}

  /** {@code dot(u, v)} */
  record Dot(Term left, Term right, Type type, Span span) implements Term {}

  /**
   * A function applied to a term, by its name in the language: {@code logistic(t)}, 1 / (1 + e^−t),
   * a probability, as a logistic regression's {@code logistic(dot(beta, u))}; {@code exp(t)}, a
   * positive number, as a Poisson regression's {@code exp(dot(beta, u))}; or {@code softmax(G * u)},
   * the simplex e^{(Gu)_k} / Σ_j e^{(Gu)_j}, a mixture of experts' weights.
   */
  record Call(String function, Term argument, Type type, Span span) implements Term {}
}
