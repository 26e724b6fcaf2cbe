package dev.emc.dist;

import dev.emc.math.Expr;
import java.util.Objects;

/**
 * The M-step's new value for one argument's parameter, from the expected sufficient statistics
 * and the parameters' current values, with what the derivation shows of how it comes about.
 *
 * @param param the signature's name for the argument, such as "mean"
 * @param value the new value, as the code computes it
 * @param method how it is derived, for the summary: "weighted mean", "Lagrange multiplier", …
 * @param textbook the same value as a textbook writes it, when that differs from {@code value}
 *     (a sum over rows rather than one-pass statistics); null if not
 * @param target how the derivation writes the left side, when not the parameter's own symbol
 *     (φ_k for one element of a simplex φ); null if not. For an argument in two parameters, linear
 *     in a latent ({@code W h + μ}, see {@link FactorSite#moments}), the symbol of the one updated
 * @param qTerms the terms of Q that involve the parameter; null to let the derivation say it
 *     generically
 * @param stationarity the condition at the maximum, usually a derivative set to 0; null for none
 * @param note one sentence on the step from the condition to the solution; null for none
 * @param isStep whether {@code value} is a step toward the maximum of the parameter's terms of Q
 *     (a Newton step) rather than a value that does not lower them: a step that raises Q when it
 *     is short enough, but may overshoot. The fit driver shortens such a step when the objective
 *     falls after it (see {@link #asStep})
 */
public record Update(
    String param, Expr value, String method, Expr textbook, Expr target, Expr qTerms,
    Expr stationarity, String note, boolean isStep) {
  public Update {
    Objects.requireNonNull(param);
    Objects.requireNonNull(value);
    Objects.requireNonNull(method);
  }

  public static Update of(String param, Expr value, String method) {
    return new Update(param, value, method, null, null, null, null, null, false);
  }

  public Update withTextbook(Expr textbookValue) {
    return new Update(param, value, method, textbookValue, target, qTerms, stationarity, note, isStep);
  }

  public Update withTarget(Expr written) {
    return new Update(param, value, method, textbook, written, qTerms, stationarity, note, isStep);
  }

  /** The derivation's steps: the terms of Q, the condition at the maximum, and how it solves. */
  public Update derivedFrom(Expr terms, Expr condition, String how) {
    return new Update(param, value, method, textbook, target, terms, condition, how, isStep);
  }

  /**
   * This update as a step toward the maximum rather than the maximum: one whose direction raises
   * the parameter's terms of Q (an ascent direction, such as Newton's on concave terms), though
   * its full length may not. The fit driver keeps the parameter's value from before the M-step
   * and, when the objective falls, halves the step until it does not (generalized EM).
   */
  public Update asStep() {
    return new Update(param, value, method, textbook, target, qTerms, stationarity, note, true);
  }
}
