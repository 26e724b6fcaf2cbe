package dev.emc.api;

import dev.emc.analysis.EmPlan;
import dev.emc.semantics.CheckedModel;

/**
 * What the compiler's own tests look at behind the public API: the checked model and the EM
 * plan. A test source, so that the API users see exposes no compiler type.
 */
public final class Internals {
  private Internals() {}

  public static EmPlan plan(Bound b) {
    return b.plan();
  }

  /** The plan of a model whose sizes may still be open (set to 1, which changes no update's form). */
  public static EmPlan structure(Model m) {
    return m.structure();
  }

  public static CheckedModel checked(Model m) {
    return m.checked();
  }
}
