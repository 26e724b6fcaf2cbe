package dev.emc.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.ParamInfo.Constraint;
import org.junit.jupiter.api.Test;

/** Parameters from outside are checked by their kind, with the place of what is wrong. */
class ParamsTest {
  private static String problem(Constraint c, int copies, int[] shape, double... values) {
    return Params.problem(new ParamInfo("p", c, copies, shape), values, "params.p");
  }

  @Test
  void aSimplexAddsUpToOne() {
    assertNull(problem(Constraint.SIMPLEX, 1, new int[] {2}, 0.25, 0.75));
    assertNull(problem(Constraint.SIMPLEX, 1, new int[] {3}, 0.1, 0.2, 0.7 + 5e-10));
    assertEquals("params.p adds up to 10, but the probabilities of a simplex add up to 1",
        problem(Constraint.SIMPLEX, 1, new int[] {2}, 5, 5));
    assertEquals("params.p adds up to 1.8, but the probabilities of a simplex add up to 1",
        problem(Constraint.SIMPLEX, 1, new int[] {2}, 0.9, 0.9));
    // One simplex per component (a transition matrix's rows).
    assertEquals("params.p[1] (component 2) adds up to 0.5, but the probabilities of a simplex add up to 1",
        problem(Constraint.SIMPLEX, 2, new int[] {2}, 0.5, 0.5, 0.25, 0.25));
    assertEquals("params.p[1] is -0.5, but it must be at least 0, as the probabilities of a simplex are",
        problem(Constraint.SIMPLEX, 1, new int[] {2}, 1.5, -0.5));
  }

  @Test
  void positivesAndProbabilities() {
    assertNull(problem(Constraint.POSITIVE, 2, new int[] {}, 1e-300, 3));
    assertEquals("params.p[1][0] (component 2) is 0, but it must be positive",
        problem(Constraint.POSITIVE, 2, new int[] {2}, 1, 2, 0, 4));
    assertEquals("params.p[2] is 1.5, but it must be a probability, between 0 and 1",
        problem(Constraint.PROBABILITY, 1, new int[] {3}, 0, 1, 1.5));
    assertEquals("params.p[0] is NaN, but it must be a finite number",
        problem(Constraint.REAL, 1, new int[] {1}, Double.NaN));
  }

  @Test
  void aCovarianceIsSymmetricAndPositiveDefinite() {
    int[] shape = {2, 2};
    assertNull(problem(Constraint.COVARIANCE, 1, shape, 4, 1, 1 + 1e-12, 9));
    assertEquals("params.p[1] (component 2) is not symmetric: [0][1] is 1 but [1][0] is 1.5",
        problem(Constraint.COVARIANCE, 2, shape, 1, 0, 0, 1, 4, 1, 1.5, 9));
    // Symmetric, with determinant 4·1 − 3·3 < 0.
    assertEquals("params.p is not positive definite, as a covariance must be",
        problem(Constraint.COVARIANCE, 1, shape, 4, 3, 3, 1));
    assertEquals("params.p[0] (component 1) is not positive definite, as a covariance must be",
        problem(Constraint.COVARIANCE, 2, shape, -1, 0, 0, 1, 1, 0, 0, 1));
  }
}
