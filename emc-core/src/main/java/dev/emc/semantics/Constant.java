package dev.emc.semantics;

import dev.emc.diag.Span;
import java.util.Optional;

/**
 * A named number: {@code K = 2;} in the model, or {@code --set K=3} on the command line (which
 * wins, and then has no span).
 */
public record Constant(String name, double value, Optional<Span> span) {
  public boolean isInteger() {
    return value == Math.rint(value) && !Double.isInfinite(value);
  }

  /** As a user would write it: 2, not 2.0. */
  public String valueText() {
    return isInteger() && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }
}
