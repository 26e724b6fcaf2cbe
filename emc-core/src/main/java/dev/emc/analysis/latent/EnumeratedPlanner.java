package dev.emc.analysis.latent;

import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import java.util.List;
import java.util.Optional;

/**
 * A finite latent, independent across rows: every statement, the latent's own distribution
 * among them, is planned by its family, with the latent's value as the component.
 */
final class EnumeratedPlanner implements LatentPlanner {
  @Override
  public boolean claims(CheckedModel model, List<Variable> latents) {
    return latents.size() == 1 && latents.get(0).type().kind() == Kind.CATEGORY;
  }

  @Override
  public Optional<Plan> plan(Planning shared) {
    Variable z = shared.latent();
    Dim k = z.type().dim();
    Enumerated structure = new Enumerated(z.name(), k.toString(), shared.value(k));
    return shared.families(structure, shared.params(structure.components()), shared.model().distributions());
  }
}
