package dev.emc.dist;

import dev.emc.math.Expr;
import java.util.List;

/**
 * A prior statement as the family of the parameter's distribution sees it, to write its update as
 * the posterior mode: which family the prior is, its hyperparameters, and the parameters it covers
 * (one, or two for a joint prior such as the Normal-Inverse-Wishart).
 */
public interface Prior {
  /** The prior's family name: "Dirichlet", "Gamma", … */
  String family();

  /** A hyperparameter by the prior form's name for it ("shape", "rate"): a number, or a vector or matrix of one. */
  Expr arg(String name);

  /** The hyperparameters in the order of the prior's form. */
  List<Expr> args();

  /** The parameters it is a prior on, in the statement's order. */
  List<Expr> targets();
}
