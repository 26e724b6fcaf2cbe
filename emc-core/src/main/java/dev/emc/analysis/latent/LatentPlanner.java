package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.PriorPlan;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Variable;
import java.util.List;
import java.util.Optional;

/**
 * One latent structure's recognition and plan: its pattern in the checked model, its refusals
 * (located errors naming the statement and the reason), and its part of the {@code EmPlan}. The
 * analysis asks each structure of {@link #inOrder()} in turn; the first that claims the model's
 * latent variables plans them. A structure of several latent pieces (a finite latent and, given
 * its value, a continuous one) claims them together.
 */
public interface LatentPlanner {
  /**
   * The structures, in the order they are asked. The chain comes first: {@code first(z)} and
   * {@code prev(z)} make a latent a chain whatever else it is, and a chain written wrongly is
   * refused as a chain. The finite latent independent across rows is what remains.
   */
  static List<LatentPlanner> inOrder() {
    return List.of(new MarkovChainPlanner(), new LinearGaussianPlanner(), new ScaleMixturePlanner(),
        new EnumeratedPlanner());
  }

  /** Whether the model's latent variables, in declaration order, have this structure's pattern. */
  boolean claims(CheckedModel model, List<Variable> latents);

  /** The plan of a latent this structure claimed; empty after located errors. */
  Optional<Plan> plan(Planning shared);

  /** A structure's part of the plan: what the plan holds besides the model's sizes and data. */
  record Plan(LatentStructure structure, List<ParamSlot> params, List<SettingSlot> settings,
      List<FactorPlan> factors, List<PriorPlan> priors) {
    public Plan {
      params = List.copyOf(params);
      settings = List.copyOf(settings);
      factors = List.copyOf(factors);
      priors = List.copyOf(priors);
    }
  }
}
