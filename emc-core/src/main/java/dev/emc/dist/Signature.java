package dev.emc.dist;

import dev.emc.types.Type;
import java.util.List;

/**
 * One form of a family: the type of what it is a distribution of ({@code lhs}) and of each
 * argument. Named sizes in these types are pattern variables: in {@code vector[D]} with
 * {@code cov[D]}, both D stand for the same size, bound by matching.
 *
 * @param label how the summary and the derivation name this form, e.g. "multivariate normal, full
 *     covariance"
 */
public record Signature(String label, Type lhs, List<Param> params, List<Param> joint) {
  public Signature {
    params = List.copyOf(params);
    joint = List.copyOf(joint);
  }

  public static Signature of(String label, Type lhs, Param... params) {
    return new Signature(label, lhs, List.of(params), List.of());
  }

  /**
   * A form that is the joint distribution of several parameters, {@code (mu, Sigma) ~ …}: a prior
   * on all of them together. {@code lhs} is the first's type.
   */
  public static Signature joint(String label, List<Param> targets, Param... params) {
    return new Signature(label, targets.get(0).type(), List.of(params), targets);
  }

  /** Whether this is the joint form of several parameters. */
  public boolean isJoint() {
    return !joint.isEmpty();
  }

  /** "mean, variance" */
  public String paramNames() {
    return String.join(", ", params.stream().map(Param::name).toList());
  }
}
