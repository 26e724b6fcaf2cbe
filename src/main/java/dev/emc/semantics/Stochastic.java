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
    List<String> targets, Family family, Signature signature, List<Term> args, Span span) {
  public Stochastic {
    targets = List.copyOf(targets);
    args = List.copyOf(args);
  }

  public Stochastic(String lhs, Family family, Signature signature, List<Term> args, Span span) {
    this(List.of(lhs), family, signature, args, span);
  }

  /** The variable it is the distribution of; the first, for a joint prior. */
  public String lhs() {
    return targets.get(0);
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
