package dev.emc.dist;

import dev.emc.math.Expr;
import dev.emc.math.Symbol;

/**
 * What a family sees of one statement, {@code lhs ~ Family(args)}, when the compiler builds EM
 * for it, and the vocabulary the family writes its E-step and M-step with.
 *
 * <p>Per-component symbols (μ_k, N_k, statistics) mean "of the current component"; a parameter
 * shared by all components is updated from sums over them, written with {@link #sumOverComponents}.
 */
public interface FactorSite {
  /** The family's form this statement fits. */
  Signature signature();

  /**
   * The value on the left of {@code ~}: the row's data x_n, or, for the latent variable itself,
   * the component's category value k.
   */
  Expr lhs();

  /** Whether the left side is the latent variable (the E-step enumerates its values). */
  boolean lhsIsLatent();

  /** The argument the signature names {@code name}, such as "mean". */
  Arg arg(String name);

  /**
   * The prior on an argument's parameter, if the model gives one. A family that asks answers for
   * it: its update becomes the posterior mode. A prior that no family asks for is an error, so a
   * family never ignores one by accident.
   */
  java.util.Optional<Prior> prior(String name);

  /**
   * Whether this statement's statistics are kept per component: some argument depends on the
   * latent variable. When not, every row counts fully and {@link #count()} is N.
   */
  boolean perComponent();

  /** N_k = Σ_n r_nk, the expected number of rows of the component; N when not per component. */
  Expr count();

  /** N, the number of rows. */
  Expr total();

  /** (N_1, …, N_K): every component's count, as a vector over the latent variable's values. */
  Expr counts();

  /**
   * Declares an expected sufficient statistic, Σ_n r_nk T(x_n) (or Σ_n T(x_n) when not per
   * component), and returns the symbol that stands for it in updates. {@code perRow} may use the
   * left side and the parameters' current values.
   */
  Expr statistic(String name, Expr perRow);

  /**
   * Declares Σ_n T_k(x_n) for each component k: a statistic kept per component that every row adds
   * in full (its weight, 1 unless rows are weighted), not at r_nk. {@code perRow} may read the
   * component's current parameters: an expectation under the model's own probabilities, such as a
   * mixture of experts' Σ_n π_k(u_n) u_n. Only a statement kept per component has one.
   */
  Expr statisticOverRows(String name, Expr perRow);

  /**
   * Ψ, the regularization of a variance or covariance of values shaped like the left side, as its
   * diagonal: a scalar for a scalar, a vector for a vector. emc maximizes the log-likelihood plus
   * −½ tr(Ψ Σ⁻¹) per covariance, so that the update becomes (scatter + Ψ) / N_k. A setting chosen
   * at fit time (`--reg`); zero turns it off.
   */
  Expr regularization();

  /**
   * The posterior moments, given the row, of {@code h} when it is a continuous latent vector that
   * the E-step infers, as factor analysis' h in {@code x ~ Normal(W * h + mu, Psi)} with
   * {@code h ~ Normal(0, 1)}. An argument can then be linear in h, its value a matrix product with
   * h plus an offset ({@code W h + μ}); the family writes its expected statistics with
   * E[h] = m_n and E[h hᵀ] = G + m_n m_nᵀ in place of h and h hᵀ, and says by each update's
   * {@link Update#target} which of the argument's parameters it updates. Empty for any other
   * {@code h}.
   */
  default java.util.Optional<Moments> moments(Expr h) {
    return java.util.Optional.empty();
  }

  /**
   * A continuous latent's posterior moments given the row, as symbols the E-step computes.
   *
   * @param mean m_n = E[h | x_n], a value per row
   * @param covariance G = Cov[h | x_n], a matrix; for a linear-Gaussian model the same for every row
   */
  record Moments(Expr mean, Expr covariance) {}

  /**
   * The E-step's posterior moments of {@code w}, given the row and its component, when {@code w}
   * is a latent positive scale, as a t distribution's w in {@code x ~ Normal(mu[z], Sigma[z] / w)}
   * with {@code w ~ Gamma(nu[z] / 2, nu[z] / 2)}. A statement with an argument divided by w writes
   * its expected statistics with E[w] in place of w and says, by {@link Scale#kernel}, how its
   * density depends on w; w's own statement writes its statistics with E[w] and E[log w]. Empty for
   * any other {@code w}.
   */
  default java.util.Optional<Scale> scale(Expr w) {
    return java.util.Optional.empty();
  }

  /** A latent scale's posterior moments given the row and its component, as symbols the E-step computes. */
  interface Scale {
    /** E[w | x_n, z_n = k]. */
    Expr mean();

    /** E[log w | x_n, z_n = k]. */
    Expr meanLog();

    /**
     * Declares that the statement's density, as a function of w, is proportional to
     * w^shape e^(−rate · w) (a normal's: w^(D/2) e^(−w δ/2)): the kernel to which a Gamma prior
     * on w is conjugate, so that w's posterior is Gamma with these added to the prior's.
     */
    void kernel(Expr shape, Expr rate);
  }

  /**
   * A symbol of the derivation's own, such as a Lagrange multiplier: the first of
   * {@code candidates} (names as symbols write them, "lambda" for λ) that the model does not use,
   * so that a multiplier λ never sits beside a Poisson rate λ_k as if they were one.
   */
  default Expr ownSymbol(String... candidates) {
    return new Expr.Sym(Symbol.name(candidates[0]));
  }

  /** r_nk, the E-step's posterior that row n comes from component k (for the derivation). */
  default Expr responsibility() {
    return new Expr.Sym(new Symbol("r", Symbol.Kind.RESPONSIBILITY, dev.emc.math.Shape.SCALAR, true, true));
  }

  /** Σ_n r_nk e (or Σ_n e): a sum over rows, for the textbook form of an update. */
  default Expr rowSum(Expr perRow) {
    return new Expr.RowSum(perRow, perComponent());
  }

  /** Σ_k e: a sum over the components of a per-component expression. */
  default Expr sumOverComponents(Expr e) {
    return new Expr.SumK(e);
  }

  /** Σ_j e: the same sum, written with j, for a formula that already speaks of component k. */
  default Expr sumOverOtherComponents(Expr e) {
    return new Expr.SumK(e, "j");
  }
}
