package dev.emc.semantics;

import dev.emc.diag.Span;
import dev.emc.dist.Family;
import dev.emc.dist.Signature;
import java.util.List;

/**
 * A checked {@code lhs ~ Family(args)}: the distribution of a data or latent variable, or a prior
 * on a parameter, with the form of the family that fits it. With {@code firstRow}, it is
 * {@code first(z) ~ …}: the distribution of a latent chain's first row in each sequence.
 */
public record Stochastic(
    List<String> targets, Family family, Signature signature, List<Term> args, Span span, boolean firstRow) {
  public Stochastic {
    targets = List.copyOf(targets);
    args = List.copyOf(args);
  }

  public Stochastic(List<String> targets, Family family, Signature signature, List<Term> args, Span span) {
    this(targets, family, signature, args, span, false);
  }

  public Stochastic(String lhs, Family family, Signature signature, List<Term> args, Span span) {
    this(List.of(lhs), family, signature, args, span, false);
  }

  /**
   * An HMM's transition, {@code z ~ Categorical(A[prev(z)])}: an argument is indexed by the
   * previous row's latent value.
   */
  public boolean isTransition() {
    return args.stream().anyMatch(a -> a instanceof Term.VarRef r && r.previous());
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
