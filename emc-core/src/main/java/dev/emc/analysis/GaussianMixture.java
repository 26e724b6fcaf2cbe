package dev.emc.analysis;

import dev.emc.analysis.latent.Enumerated;
import dev.emc.math.Expr;
import java.util.List;
import java.util.Optional;

/**
 * The standard errors of a plain mixture of multivariate normals with full covariances, one per
 * component or one shared: {@code z ~ Categorical(φ); x ~ Normal(μ[z], Σ[z])} (or {@code Σ}), and
 * nothing else (no prior, no other statement, no covariate). Its observed information has a closed
 * form ({@code runtime.fit.GaussianInformation}), the factor models' ({@link MarginalGaussian}) with
 * C = Σ, which the runtime takes where the generated scores are not written: from a size on
 * (D = 7 for a full covariance) the per-entry Hessian that {@link Scores} writes out is past what
 * generated code can hold. Below that the generated scores are kept: they are what the finite
 * difference tests check, and the closed form is tested against them. A t mixture's is
 * {@link TMixture}'s.
 */
public final class GaussianMixture {
  private GaussianMixture() {}

  /**
   * The most free numbers whose information (E × E doubles, several times over) the closed form
   * takes: at 4000 that is 128 MB a matrix.
   */
  public static final int MAX_FREE = 4000;

  /**
   * What the runtime needs: the parameters' names, whether Σ is shared, the data variable and its
   * width D, the components K.
   */
  public record Plain(String weights, String mean, String covariance, boolean tied, String data, int components,
      int width) {
    /** E = K − 1 + K·D + (K or 1)·D(D + 1)/2: φ's first K − 1 entries, each μ_k, Σ's distinct entries. */
    public long free() {
      long entries = (long) width * (width + 1) / 2;
      return components - 1L + (long) components * width + (tied ? 1 : components) * entries;
    }
  }

  /** The plan as a plain Gaussian mixture, or empty when it is anything else. */
  public static Optional<Plain> of(EmPlan plan) {
    if (plan.latents().size() != 1 || !(plan.latent() instanceof Enumerated e) || !e.given().isEmpty()
        || !plan.priors().isEmpty() || plan.factors().size() != 2 || plan.data().size() != 1
        || plan.data().get(0).covariate() || plan.params().size() != 3) {
      return Optional.empty();
    }
    EmPlan.FactorPlan choice = plan.factors().stream().filter(EmPlan.FactorPlan::lhsIsLatent).findFirst()
        .orElse(null);
    EmPlan.FactorPlan normal = plan.factors().stream().filter(f -> f.gaussian() != null).findFirst().orElse(null);
    if (choice == null || normal == null || choice == normal || !choice.family().equals("Categorical")
        || !normal.family().equals("Normal") || choice.args().size() != 1
        || !(choice.args().get(0) instanceof Expr.Sym weights)) {
      return Optional.empty();
    }
    EmPlan.Gaussian g = normal.gaussian();
    EmPlan.ParamSlot phi = param(plan, weights.symbol().name());
    EmPlan.ParamSlot mu = param(plan, g.mean().name());
    EmPlan.ParamSlot sigma = param(plan, g.covariance().name());
    EmPlan.DataSlot x = plan.data().get(0);
    if (phi == null || mu == null || sigma == null || phi == mu || phi == sigma || mu == sigma
        || !mu.perComponent() || !sigma.symbol().shape().isMatrix() || !x.name().equals(g.data())
        || mu.elements() != x.width() || sigma.elements() != x.width() * x.width()) {
      return Optional.empty();
    }
    return Optional.of(new Plain(phi.name(), mu.name(), sigma.name(), !sigma.perComponent(), x.name(),
        plan.latent().components(), x.width()));
  }

  private static EmPlan.ParamSlot param(EmPlan plan, String name) {
    return plan.params().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** Why the closed form is not taken at these sizes, or null when it is. */
  public static String tooLarge(Plain p) {
    if (p.free() <= MAX_FREE) {
      return null;
    }
    return "standard errors are not available for this model at these sizes: a Gaussian mixture of K = "
        + p.components() + " and D = " + p.width() + " has E = " + p.free() + " free numbers, whose information"
        + " matrix (E² numbers, several times over) is more than emc takes (E ≤ " + MAX_FREE + "); --bootstrap B"
        + " gives standard errors without it";
  }
}
