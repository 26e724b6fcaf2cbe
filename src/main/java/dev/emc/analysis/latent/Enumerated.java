package dev.emc.analysis.latent;

/**
 * A finite latent, independent across rows (mixtures, mixtures of regressions): the E-step
 * enumerates its K values and weighs them by Bayes' rule, r_nk.
 */
public record Enumerated(String name, String size, int components) implements LatentStructure {
  @Override
  public String units() {
    return "components";
  }

  @Override
  public String eStepSummary() {
    return "EM: the E-step enumerates " + name + " ∈ 1.." + size + " (r_nk by Bayes' rule); the M-step updates";
  }

  @Override
  public String rowDensity() {
    return "log p(x_n, z = k)";
  }

  @Override
  public <R> R accept(Visitor<R> v) {
    return v.visitEnumerated(this);
  }
}
