package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.FactorPlan;
import java.util.List;

/**
 * A finite latent that is a Markov chain over the rows of each sequence (a hidden Markov model):
 * the E-step runs the forward–backward recursions for each row's posterior and each consecutive
 * pair's.
 *
 * @param initial {@code first(z) ~ Categorical(pi0)}, each sequence's first row
 * @param transition {@code z ~ Categorical(A[prev(z)])}, every later row given the one before
 */
public record MarkovChain(String name, String size, int components, FactorPlan initial, FactorPlan transition)
    implements LatentStructure {
  @Override
  public String units() {
    return "states";
  }

  @Override
  public String eStepSummary() {
    return "EM (Baum–Welch): " + name + " ∈ 1.." + size + " is a Markov chain over each sequence's rows; the E-step"
        + " runs the scaled forward–backward\nrecursions for γ_nk = p(z_n = k | the sequence) and ξ_n(j, k) ="
        + " p(z_n−1 = j, z_n = k | the sequence); with r_nk = γ_nk the M-step updates";
  }

  @Override
  public String rowDensity() {
    return "log p(x_n | z_n = k)";
  }

  @Override
  public boolean bySequence() {
    return true;
  }

  /** The forward–backward pass adds up the statistics of the chain's two statements. */
  @Override
  public List<FactorPlan> ownFactors() {
    return List.of(initial, transition);
  }

  @Override
  public <R> R accept(Visitor<R> v) {
    return v.visitMarkovChain(this);
  }
}
