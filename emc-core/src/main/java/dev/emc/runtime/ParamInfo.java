package dev.emc.runtime;

/**
 * A parameter's name and layout.
 *
 * @param copies how many values it has: K when it is one per component, else 1
 * @param shape one value's shape: [] a number, [d] a vector, [d, d] a matrix
 * @param stepped whether the M-step moves it by a step toward the maximum of its terms of Q (a
 *     Newton step) rather than to a value that never lowers them: the fit driver keeps its value
 *     from before the M-step and shortens the step when the objective falls
 */
public record ParamInfo(String name, Constraint constraint, int copies, int[] shape, boolean stepped) {
  public enum Constraint {
    REAL, POSITIVE, PROBABILITY, SIMPLEX, COVARIANCE
  }

  /** A parameter whose M-step update never lowers Q: what most are. */
  public ParamInfo(String name, Constraint constraint, int copies, int[] shape) {
    this(name, constraint, copies, shape, false);
  }

  /** Numbers in one value. */
  public int elements() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParamInfo p && p.name.equals(name) && p.constraint == constraint
        && p.copies == copies && java.util.Arrays.equals(p.shape, shape) && p.stepped == stepped;
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name + java.util.Arrays.toString(shape) + (copies > 1 ? "×" + copies : "");
  }
}
