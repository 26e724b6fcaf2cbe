package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.math.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * A finite latent, independent across rows (mixtures, mixtures of regressions): the E-step
 * enumerates its K values and weighs them by Bayes' rule, r_nk.
 *
 * @param given the latents inferred given each value k, each with a conjugate posterior (a t
 *     mixture's scale); none for a plain mixture
 */
public record Enumerated(String name, String size, int components, List<Conditional> given)
    implements LatentStructure {
  public Enumerated {
    given = List.copyOf(given);
  }

  public Enumerated(String name, String size, int components) {
    this(name, size, components, List.of());
  }

  @Override
  public String units() {
    return "components";
  }

  @Override
  public String eStepSummary() {
    if (given.isEmpty()) {
      return "EM: the E-step enumerates " + name + " ∈ 1.." + size + " (r_nk by Bayes' rule); the M-step updates";
    }
    StringBuilder b = new StringBuilder("EM: the E-step enumerates " + name + " ∈ 1.." + size
        + " (r_nk by Bayes' rule, with ");
    for (Conditional c : given) {
      b.append(c.name()).append(" integrated out");
    }
    b.append("), then given each k takes ");
    b.append(String.join(" and ", given.stream().map(Conditional::posterior).toList()));
    return b.append(";\nthe M-step updates").toString();
  }

  @Override
  public String rowDensity() {
    return "log p(x_n, z = k)";
  }

  /** A conditional's statements enter as its marginal, where the first of them stood. */
  @Override
  public List<Expr> rowLogDensities(List<FactorPlan> factors) {
    List<Expr> terms = new ArrayList<>();
    List<Conditional> placed = new ArrayList<>();
    for (FactorPlan f : factors) {
      Conditional c = given.stream().filter(g -> g.integrates().contains(f.lhs())).findFirst().orElse(null);
      if (c == null) {
        terms.add(f.logDensity());
      } else if (!placed.contains(c)) {
        placed.add(c);
        terms.add(c.marginal());
      }
    }
    return terms;
  }

  @Override
  public List<Conditional.Moment> rowMoments() {
    return given.stream().flatMap(c -> c.moments().stream()).toList();
  }

  @Override
  public <R> R accept(Visitor<R> v) {
    return v.visitEnumerated(this);
  }
}
