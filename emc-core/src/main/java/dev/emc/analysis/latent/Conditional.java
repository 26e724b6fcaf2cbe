package dev.emc.analysis.latent;

import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import java.util.List;

/**
 * A latent inferred given each value of a finite latent, with a conjugate posterior: the E-step
 * enumerates the finite latent and, given each of its values k, takes this one's posterior. The
 * statements it is part of enter the row's log p(x_n, z = k) through their marginal, with it
 * integrated out, and the statistics through its posterior moments. A t mixture's scale w is one
 * ({@link GammaScale}); each kind says its own posterior, marginal and moments.
 */
public sealed interface Conditional permits GammaScale {
  /** The latent variable. */
  String name();

  /** The data variable whose density given the component the marginal is. */
  String data();

  /** The left sides of the statements whose densities the marginal integrates over it. */
  List<String> integrates();

  /** The marginal's log-density given component k, in place of those statements' log-densities. */
  Expr marginal();

  /** Its posterior given the row and the component, in words for {@code emc check}. */
  String posterior();

  /** What the E-step computes for each row and component before the statistics, in order. */
  List<Moment> moments();

  /** The later stages' work per kind (its derivation) is a visitor, as for the structures. */
  <R> R accept(Visitor<R> v);

  /** One method per kind. */
  interface Visitor<R> {
    R visitGammaScale(GammaScale g);
  }

  /**
   * A posterior moment given the row and the component, which statistics read by its symbol.
   *
   * @param formula its value as the derivation writes it
   * @param code the same value as the code computes it (which may guard a start with no parameters yet)
   * @param meaning what it is, in words, for comments
   */
  record Moment(Symbol symbol, Expr formula, Expr code, String meaning) {}
}
