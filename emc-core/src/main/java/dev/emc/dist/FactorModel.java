package dev.emc.dist;

import dev.emc.math.Expr;
import java.util.List;
import java.util.Objects;

/**
 * A family's contribution to EM for one statement.
 *
 * @param density f(lhs | args) as the derivation names it: 𝒩(x_n | μ_k, Σ_k), or φ_k
 * @param logDensity log f(lhs | args), in terms of the site's symbols; the E-step sums these
 * @param updates the M-step update of each free argument
 * @param logPenalty what the fit adds to the log-likelihood for these parameters (the
 *     regularization); the objective EM climbs is the sum. Null for none.
 * @param support conditions every row's value must meet beyond its type (a binomial count at
 *     most its trials), as relations; the fit names the first row that fails one
 */
public record FactorModel(Expr density, Expr logDensity, List<Update> updates, Expr logPenalty,
    List<Expr> support, Gaussian gaussian) {
  public FactorModel {
    Objects.requireNonNull(density);
    Objects.requireNonNull(logDensity);
    updates = List.copyOf(updates);
    support = List.copyOf(support);
  }

  public FactorModel(Expr density, Expr logDensity, List<Update> updates, Expr logPenalty, List<Expr> support) {
    this(density, logDensity, updates, logPenalty, support, null);
  }

  public FactorModel(Expr density, Expr logDensity, List<Update> updates, Expr logPenalty) {
    this(density, logDensity, updates, logPenalty, List.of(), null);
  }

  /**
   * Says that the statement is a normal density of its data, so that a row whose cells are partly
   * empty can have them integrated out (the conditional Gaussian of the empty cells given the
   * others): what `emc fit --missing marginalize` needs.
   *
   * @param mean the mean, a parameter
   * @param covariance the covariance, a parameter: a matrix, its diagonal, or one variance
   * @param scatter the statistic Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ in the covariance's shape, to
   *     which the E-step of such a row adds the conditional covariance; null when the covariance
   *     is not estimated
   */
  public record Gaussian(Expr mean, Expr covariance, Expr scatter) {}

  public FactorModel withGaussian(Gaussian g) {
    return new FactorModel(density, logDensity, updates, logPenalty, support, g);
  }
}
