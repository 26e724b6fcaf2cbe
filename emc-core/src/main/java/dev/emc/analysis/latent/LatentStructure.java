package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.math.Expr;
import dev.emc.types.Dim;
import java.util.List;

/**
 * How a model's latent variable is structured over the rows, which decides its E-step: the one
 * home of that fact. Every question whose answer depends on the structure is a method here,
 * answered by each structure in its own unit, so that code outside the units asks instead of
 * branching on which structure a model has. Each is recognized in the checked model, and its
 * E-step and statistics planned, by its {@link LatentPlanner} beside it.
 */
public sealed interface LatentStructure permits Enumerated, MarkovChain, LinearGaussian {
  /** The latent variable. */
  String name();

  /** The size its values run over (K), as the model names it; "1" for a continuous latent. */
  String size();

  /** The values the E-step weighs for each row: K, or 1 for a continuous latent. */
  int components();

  /** What the components are called in messages and summaries. */
  String units();

  /**
   * The E-step in a sentence for {@code emc check}, ending where the list of updates begins.
   */
  String eStepSummary();

  /** The per-row density the E-step's log computes for component k, as comments write it. */
  String rowDensity();

  /** Whether rows come in sequences that the E-step runs along (an HMM's chains). */
  default boolean bySequence() {
    return false;
  }

  /** The numbers in one row's value of the latent: 1 for a finite latent, Q for a vector of factors. */
  default Dim dimension() {
    return new Dim.Known(1);
  }

  /** Whether the latent takes finitely many values, which the E-step weighs. */
  default boolean finite() {
    return true;
  }

  /** Whether the statistics count each component's rows, N_k = Σ_n r_nk. */
  default boolean countsComponents() {
    return true;
  }

  /**
   * The statements this structure's own pass accounts for rather than the per-row E-step (a
   * chain's first row and transition), after the families' in the plan's statistics and updates.
   */
  default List<FactorPlan> ownFactors() {
    return List.of();
  }

  /**
   * The terms the E-step adds up into a row's log p(x_n, z = k): each statement's log-density, or,
   * where a latent given the component is integrated out, the marginal in place of its statements'.
   */
  default List<Expr> rowLogDensities(List<FactorPlan> factors) {
    return factors.stream().map(FactorPlan::logDensity).toList();
  }

  /**
   * What the E-step computes for each row and component before adding up the statistics, which
   * read these by their symbols (a latent scale's posterior moments); none by default.
   */
  default List<Conditional.Moment> rowMoments() {
    return List.of();
  }

  /**
   * The later stages' per-structure work (a derivation section, a code writer) is a visitor, so
   * that a new structure fails to compile until every stage handles it, as a new {@code Expr}
   * node does.
   */
  <R> R accept(Visitor<R> v);

  /** One method per structure. */
  interface Visitor<R> {
    R visitEnumerated(Enumerated e);

    R visitMarkovChain(MarkovChain c);

    R visitLinearGaussian(LinearGaussian g);
  }
}
