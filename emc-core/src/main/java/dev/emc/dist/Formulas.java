package dev.emc.dist;

import dev.emc.math.Expr;
import dev.emc.math.Function;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.random.AbstractRandomGenerator;

/**
 * What families write the same way: the helpers emc's own families use, public so that a
 * plugin's family writes its formulas as they do. Each builds {@link Expr} trees; none evaluates.
 */
public final class Formulas {
  private Formulas() {}

  /** The number 0. */
  public static final Expr ZERO = Expr.num(0);
  /** The number 1. */
  public static final Expr ONE = Expr.num(1);

  /** A family's name as an operator: Poisson(x | λ). */
  public static Expr.Notation named(String name) {
    return new Expr.Notation(name, "\\operatorname{" + name + "}",
        "<mi mathvariant=\"normal\">" + name + "</mi>");
  }

  /** The equation left = right, as a derivation's step states it. */
  public static Expr eq(Expr left, Expr right) {
    return new Expr.Relation(Expr.Relation.Op.EQ, left, right);
  }

  /** Σ_d e for a vector e, e itself for a scalar: a log-density of independent coordinates. */
  public static Expr total(Expr e) {
    return e.shape().isVector() ? new Expr.Total(e) : e;
  }

  /** a ∘ b for vectors, a b otherwise. */
  public static Expr times(Expr a, Expr b) {
    return a.shape().isVector() && b.shape().isVector() ? new Expr.Hadamard(a, b) : Expr.mul(a, b);
  }

  /** a / b: element by element for vectors; a scalar over a vector divides by each element. */
  public static Expr over(Expr a, Expr b) {
    if (!b.shape().isVector()) {
      return Expr.div(a, b);
    }
    return a.shape().isVector() ? new Expr.Hadamard(a, new Expr.Inv(b)) : Expr.mul(a, new Expr.Inv(b));
  }

  /** 1 / e, each element's reciprocal for a vector. */
  public static Expr reciprocal(Expr e) {
    return e.shape().isVector() ? new Expr.Inv(e) : Expr.div(ONE, e);
  }

  /** e², each element squared for a vector (e ∘ e rather than the outer product). */
  public static Expr squared(Expr e) {
    return e.shape().isVector() ? new Expr.Hadamard(e, e) : Expr.square(e);
  }

  /** 1 in the shape of e: a number, or a vector of ones. */
  public static Expr one(Expr e) {
    return e.shape().isVector() ? new Expr.Fill(ONE, e.shape().dim()) : ONE;
  }

  /** A scalar in the shape of {@code like}: itself, or a vector of it. */
  public static Expr fill(Expr scalar, Expr like) {
    return like.shape().isVector() && scalar.shape().isScalar() ? new Expr.Fill(scalar, like.shape().dim()) : scalar;
  }

  /**
   * The prior if it is the conjugate one a closed-form posterior mode needs; otherwise the reason
   * why not, for the user.
   */
  public static Prior conjugate(Prior p, String family, String what, String form)
      throws Unsupported {
    if (!p.family().equals(family)) {
      throw new Unsupported("the " + p.family() + " prior on " + what + " has no closed-form"
          + " posterior mode; its conjugate prior is " + form);
    }
    return p;
  }

  /**
   * Refuses a conjugate prior with a hyperparameter below 1 among {@code names}: it adds a
   * negative pseudo-count, and the posterior's mode can fall outside the parameter's domain (a
   * probability above 1, a negative rate), where there is none.
   */
  public static void modeInside(Prior p, String... names) throws Unsupported {
    for (String name : names) {
      if (p.arg(name) instanceof Expr.Num n && n.value() < 1) {
        throw new Unsupported("a " + p.family() + " prior's " + name + " below 1 can put the"
            + " posterior's mode outside the parameter's range, where it does not exist; use "
            + (names.length == 1 ? "a " + name : String.join(" and ", names)) + " of at least 1");
      }
    }
  }

  /** log Γ(e). */
  public static Expr lgamma(Expr e) {
    return new Expr.Apply(Function.LOG_GAMMA, e);
  }

  /** Commons Math's samplers draw from a java.util RandomGenerator through this. */
  public static org.apache.commons.math3.random.RandomGenerator commons(RandomGenerator rng) {
    return new AbstractRandomGenerator() {
      @Override
      public void setSeed(long seed) {
        throw new UnsupportedOperationException("the generator is the caller's");
      }

      @Override
      public double nextDouble() {
        return rng.nextDouble();
      }
    };
  }
}
