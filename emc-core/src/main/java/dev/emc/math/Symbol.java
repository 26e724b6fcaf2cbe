package dev.emc.math;

/**
 * A named quantity a formula refers to. What it stands for at run time is decided by whoever
 * lowers the formula (the code generator: an array slot; the derivation: a typeset letter).
 *
 * @param name the model's name for data and parameters ({@code x}, {@code mu}); for statistics,
 *     a name unique in the plan
 * @param perRow one value per data row (x_n)
 * @param perComponent one value per component of the latent space (μ_k); inside a
 *     {@link Expr.SumK} it is the summed component's
 */
public record Symbol(String name, Kind kind, Shape shape, boolean perRow, boolean perComponent) {

  public enum Kind {
    /** An observed value of the row: x_n. */
    DATA,
    /** A parameter, at its current value. */
    PARAM,
    /** An accumulated expected sufficient statistic: Σ_n r_nk T(x_n). */
    STATISTIC,
    /** The expected number of rows of a component, N_k = Σ_n r_nk. */
    COUNT,
    /** All components' counts as one vector, (N_1, …, N_K). */
    COUNTS,
    /** The number of rows, N (the total weight, when rows are weighted). */
    TOTAL,
    /** A number the user sets at fit time, such as a regularization. */
    SETTING,
    /** The component's index itself, k ∈ 1..K, as a category value. */
    COMPONENT,
    /** r_nk, the posterior probability that row n comes from component k (the derivation's). */
    RESPONSIBILITY,
    /** z_nk, 1 when row n comes from component k, else 0 (the derivation's). */
    INDICATOR,
    /** A name that only the derivation uses, such as a Lagrange multiplier λ. */
    NAME
  }

  /** A name of the derivation's own: {@code lambda} prints as λ. */
  public static Symbol name(String name) {
    return new Symbol(name, Kind.NAME, Shape.SCALAR, false, false);
  }

  public static Symbol data(String name, Shape shape) {
    return new Symbol(name, Kind.DATA, shape, true, false);
  }

  public static Symbol param(String name, Shape shape, boolean perComponent) {
    return new Symbol(name, Kind.PARAM, shape, false, perComponent);
  }

  public static Symbol statistic(String name, Shape shape, boolean perComponent) {
    return new Symbol(name, Kind.STATISTIC, shape, false, perComponent);
  }

  public static Symbol setting(String name, Shape shape) {
    return new Symbol(name, Kind.SETTING, shape, false, false);
  }
}
