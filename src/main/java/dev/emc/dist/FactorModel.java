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
    List<Expr> support) {
  public FactorModel {
    Objects.requireNonNull(density);
    Objects.requireNonNull(logDensity);
    updates = List.copyOf(updates);
    support = List.copyOf(support);
  }

  public FactorModel(Expr density, Expr logDensity, List<Update> updates, Expr logPenalty) {
    this(density, logDensity, updates, logPenalty, List.of());
  }
}
