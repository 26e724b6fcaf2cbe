package dev.emc.analysis;

import dev.emc.analysis.latent.Enumerated;
import dev.emc.analysis.latent.GammaScale;
import dev.emc.math.Expr;
import java.util.Optional;

/**
 * The standard errors of a plain mixture of multivariate t distributions with full scale matrices,
 * one per component or one shared: {@code z ~ Categorical(φ); w ~ Gamma(ν/2, ν/2); x ~ Normal(μ[z],
 * Σ[z] / w)}, ν one per component, one shared, or a number, and nothing else (no prior, no other
 * statement, no covariate). With w integrated out given the component its observed information has
 * a closed form ({@code runtime.fit.GaussianInformation}), which the runtime takes where the
 * generated scores are not written: from D = 5 on the per-entry Hessian that {@link Scores} writes
 * out is past what generated code can hold. Below that the generated scores are kept, and the closed
 * form is tested against them.
 */
public final class TMixture {
  private TMixture() {}

  /**
   * What the runtime needs: the parameters' names, ν's (null when ν is the number {@code fixedNu})
   * and whether it has one value per component, whether Σ is shared, the data variable and its
   * width D, the components K.
   */
  public record Plain(String weights, String nu, boolean nuPerComponent, double fixedNu, String mean,
      String covariance, boolean tied, String data, int components, int width) {
    /**
     * E = K − 1 + (K, 1 or 0 ν) + K·D + (K or 1)·D(D + 1)/2: φ's first K − 1 entries, ν, each μ_k,
     * Σ's distinct entries.
     */
    public long free() {
      long entries = (long) width * (width + 1) / 2;
      long nus = nu == null ? 0 : nuPerComponent ? components : 1;
      return components - 1L + nus + (long) components * width + (tied ? 1 : components) * entries;
    }
  }

  /** The plan as a plain t mixture, or empty when it is anything else. */
  public static Optional<Plain> of(EmPlan plan) {
    if (plan.latents().size() != 1 || !(plan.latent() instanceof Enumerated e) || e.given().size() != 1
        || !(e.given().get(0) instanceof GammaScale scale) || !plan.priors().isEmpty()
        || plan.factors().size() != 3 || plan.data().size() != 1 || plan.data().get(0).covariate()) {
      return Optional.empty();
    }
    EmPlan.FactorPlan choice = factor(plan, "Categorical");
    EmPlan.FactorPlan prior = factor(plan, "Gamma");
    EmPlan.FactorPlan normal = factor(plan, "Normal");
    if (choice == null || prior == null || normal == null || !choice.lhsIsLatent() || choice.args().size() != 1
        || !(choice.args().get(0) instanceof Expr.Sym weights) || !prior.lhs().equals(scale.name())
        || !normal.lhs().equals(scale.data()) || prior.args().size() != 2
        || !prior.args().get(0).equals(prior.args().get(1)) || normal.args().size() != 2
        || !(normal.args().get(0) instanceof Expr.Sym mean)
        || !(normal.args().get(1) instanceof Expr.Div spread) || !(spread.left() instanceof Expr.Sym covariance)
        || !(spread.right() instanceof Expr.Sym w) || !w.symbol().name().equals(scale.name())) {
      return Optional.empty();
    }
    // ν/2 as both of w's Gamma arguments: ν a parameter, or a number (the model's ν = 5 is 2.5 here).
    Expr half = prior.args().get(0);
    EmPlan.ParamSlot nu = null;
    double fixed = Double.NaN;
    if (half instanceof Expr.Num n && n.value() > 0) {
      fixed = 2 * n.value();
    } else if (half instanceof Expr.Div d && d.left() instanceof Expr.Sym s && d.right() instanceof Expr.Num two
        && two.value() == 2) {
      nu = param(plan, s.symbol().name());
      if (nu == null || nu.elements() != 1) {
        return Optional.empty();
      }
    } else {
      return Optional.empty();
    }
    EmPlan.ParamSlot phi = param(plan, weights.symbol().name());
    EmPlan.ParamSlot mu = param(plan, mean.symbol().name());
    EmPlan.ParamSlot sigma = param(plan, covariance.symbol().name());
    EmPlan.DataSlot x = plan.data().get(0);
    if (phi == null || mu == null || sigma == null || phi == mu || phi == sigma || mu == sigma || nu == phi
        || nu == mu || nu == sigma || plan.params().size() != (nu == null ? 3 : 4) || !mu.perComponent()
        || !sigma.symbol().shape().isMatrix() || !x.name().equals(normal.lhs()) || mu.elements() != x.width()
        || sigma.elements() != x.width() * x.width()) {
      return Optional.empty();
    }
    return Optional.of(new Plain(phi.name(), nu == null ? null : nu.name(), nu != null && nu.perComponent(), fixed,
        mu.name(), sigma.name(), !sigma.perComponent(), x.name(), plan.latent().components(), x.width()));
  }

  private static EmPlan.FactorPlan factor(EmPlan plan, String family) {
    return plan.factors().stream().filter(f -> f.family().equals(family)).findFirst().orElse(null);
  }

  private static EmPlan.ParamSlot param(EmPlan plan, String name) {
    return plan.params().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** Why the closed form is not taken at these sizes, or null when it is. */
  public static String tooLarge(Plain p) {
    if (p.free() <= GaussianMixture.MAX_FREE) {
      return null;
    }
    return "standard errors are not available for this model at these sizes: a t mixture of K = " + p.components()
        + " and D = " + p.width() + " has E = " + p.free() + " free numbers, whose information matrix (E² numbers,"
        + " several times over) is more than emc takes (E ≤ " + GaussianMixture.MAX_FREE + "); --bootstrap B gives"
        + " standard errors without it";
  }
}
