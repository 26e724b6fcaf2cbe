package dev.emc.dist;

import dev.emc.math.Expr;
import java.util.Objects;

/**
 * The M-step's new value for one argument's parameter, from the expected sufficient statistics
 * and the parameters' current values.
 *
 * @param param the signature's name for the argument, such as "mean"
 * @param value the new value, as it is computed
 * @param method how it is derived, for the summary: "weighted mean", "Lagrange multiplier", …
 * @param textbook the same value as a textbook writes it, when that differs from {@code value}
 *     (for instance as a sum over rows rather than from one-pass statistics); null if not
 */
public record Update(String param, Expr value, String method, Expr textbook) {
  public Update {
    Objects.requireNonNull(param);
    Objects.requireNonNull(value);
    Objects.requireNonNull(method);
  }

  public static Update of(String param, Expr value, String method) {
    return new Update(param, value, method, null);
  }
}
