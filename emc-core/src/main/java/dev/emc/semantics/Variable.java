package dev.emc.semantics;

import dev.emc.diag.Span;
import dev.emc.types.Type;
import java.util.List;

/**
 * A named unknown or observed quantity of the model.
 *
 * @param index for a parameter, the latent variables it runs over, in order: {@code mu[z]} has
 *     index [z] and one {@code type} value per value of z. Empty for everything else.
 * @param type the type of one element (one row's value for data and latents)
 * @param declared whether the model declares it, rather than emc inferring it from its use
 * @param span its declaration, or its first use
 */
public record Variable(
    String name, Role role, List<String> index, Type type, boolean declared, Span span) {
  public Variable {
    index = List.copyOf(index);
  }

  public boolean isArray() {
    return !index.isEmpty();
  }

  /** {@code vector[D]}, or {@code vector[D] for each z}. */
  public String describeType() {
    return isArray() ? type + " for each " + String.join(", ", index) : type.toString();
  }
}
