package dev.emc.dist;

import dev.emc.math.Expr;

/** One argument of a statement, as a family sees it when it builds EM. */
public interface Arg {
  /** The value: a parameter's symbol at its current value, or a fixed number. */
  Expr value();

  /** Whether the argument is a parameter EM fits (rather than a number or constant). */
  boolean isFree();

  /** Whether it is one value per component (indexed by the latent variable), or shared by all. */
  boolean perComponent();

  /**
   * Whether it is each row's own known value, a covariate (such as a row's number of trials): a
   * formula in the row's symbol, fixed like a number. Only an argument its family takes per row
   * ({@link Family#takesPerRow}) is one.
   */
  default boolean perRow() {
    return value() instanceof Expr.Sym s && s.symbol().perRow();
  }
}
