package dev.emc.semantics;

import dev.emc.diag.Span;
import dev.emc.dist.Family;
import dev.emc.dist.Signature;
import java.util.List;

/**
 * A checked {@code lhs ~ Family(args)}: the distribution of a data or latent variable, or a prior
 * on a parameter, with the form of the family that fits it.
 */
public record Stochastic(
    String lhs, Family family, Signature signature, List<Term> args, Span span) {
  public Stochastic {
    args = List.copyOf(args);
  }

  /** The argument a family's signature names, such as "mean". */
  public Term arg(String paramName) {
    for (int i = 0; i < args.size(); i++) {
      if (signature.params().get(i).name().equals(paramName)) {
        return args.get(i);
      }
    }
    throw new IllegalArgumentException(family.name() + " has no argument " + paramName);
  }
}
