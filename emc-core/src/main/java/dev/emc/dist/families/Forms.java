package dev.emc.dist.families;

import dev.emc.math.Expr;
import dev.emc.math.Function;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.random.AbstractRandomGenerator;

/** What several built-in families write the same way. */
final class Forms {
  private Forms() {}

  static final Expr ZERO = Expr.num(0);
  static final Expr ONE = Expr.num(1);
  static final Function LGAMMA = Function.LOG_GAMMA;

  /** A family's name as an operator: Poisson(x | λ). */
  static Expr.Notation named(String name) {
    return new Expr.Notation(name, "\\operatorname{" + name + "}",
        "<mi mathvariant=\"normal\">" + name + "</mi>");
  }

  static Expr eq(Expr left, Expr right) {
    return new Expr.Relation(Expr.Relation.Op.EQ, left, right);
  }

  /** Σ_d e for a vector e, e itself for a scalar: a log-density of independent coordinates. */
  static Expr total(Expr e) {
    return e.shape().isVector() ? new Expr.Total(e) : e;
  }

  /** a ∘ b for vectors, a b otherwise. */
  static Expr times(Expr a, Expr b) {
    return a.shape().isVector() && b.shape().isVector() ? new Expr.Hadamard(a, b) : Expr.mul(a, b);
  }

  /** a / b: element by element for vectors; a scalar over a vector divides by each element. */
  static Expr over(Expr a, Expr b) {
    if (!b.shape().isVector()) {
      return Expr.div(a, b);
    }
    return a.shape().isVector() ? new Expr.Hadamard(a, new Expr.Inv(b)) : Expr.mul(a, new Expr.Inv(b));
  }

  /** 1 / e, each element's reciprocal for a vector. */
  static Expr reciprocal(Expr e) {
    return e.shape().isVector() ? new Expr.Inv(e) : Expr.div(ONE, e);
  }

  /** e², each element squared for a vector (e ∘ e rather than the outer product). */
  static Expr squared(Expr e) {
    return e.shape().isVector() ? new Expr.Hadamard(e, e) : Expr.square(e);
  }

  /** 1 in the shape of e: a number, or a vector of ones. */
  static Expr one(Expr e) {
    return e.shape().isVector() ? new Expr.Fill(ONE, e.shape().dim()) : ONE;
  }

  /** A scalar in the shape of {@code like}: itself, or a vector of it. */
  static Expr fill(Expr scalar, Expr like) {
    return like.shape().isVector() && scalar.shape().isScalar() ? new Expr.Fill(scalar, like.shape().dim()) : scalar;
  }

  /**
   * The prior if it is the conjugate one a closed-form posterior mode needs; otherwise the reason
   * why not, for the user.
   */
  static dev.emc.dist.Prior conjugate(dev.emc.dist.Prior p, String family, String what, String form)
      throws dev.emc.dist.Unsupported {
    if (!p.family().equals(family)) {
      throw new dev.emc.dist.Unsupported("the " + p.family() + " prior on " + what + " has no closed-form"
          + " posterior mode; its conjugate prior is " + form);
    }
    return p;
  }

  /**
   * Refuses a conjugate prior with a hyperparameter below 1 among {@code names}: it adds a
   * negative pseudo-count, and the posterior's mode can fall outside the parameter's domain (a
   * probability above 1, a negative rate), where there is none.
   */
  static void modeInside(dev.emc.dist.Prior p, String... names) throws dev.emc.dist.Unsupported {
    for (String name : names) {
      if (p.arg(name) instanceof Expr.Num n && n.value() < 1) {
        throw new dev.emc.dist.Unsupported("a " + p.family() + " prior's " + name + " below 1 can put the"
            + " posterior's mode outside the parameter's range, where it does not exist; use "
            + (names.length == 1 ? "a " + name : String.join(" and ", names)) + " of at least 1");
      }
    }
  }

  static Expr lgamma(Expr e) {
    return new Expr.Apply(LGAMMA, e);
  }

  /** Commons Math's samplers draw from a java.util RandomGenerator through this. */
  static org.apache.commons.math3.random.RandomGenerator commons(RandomGenerator rng) {
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
