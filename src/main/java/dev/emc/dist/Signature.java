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
public record Signature(String label, Type lhs, List<Param> params) {
  public Signature {
    params = List.copyOf(params);
  }

  public static Signature of(String label, Type lhs, Param... params) {
    return new Signature(label, lhs, List.of(params));
  }

  /** "mean, variance" */
  public String paramNames() {
    return String.join(", ", params.stream().map(Param::name).toList());
  }
}
