package dev.emc.dist;

import dev.emc.math.Expr;
import java.util.List;
import java.util.Set;

/**
 * A distribution family, the one interface behind every family emc knows. Built-in families and a
 * user's plugin are found the same way, by {@link java.util.ServiceLoader}: a class implementing
 * this interface, named in {@code META-INF/services/dev.emc.dist.Family}.
 *
 * <p>Each family is one class that holds everything about it; the compiler never names a family.
 */
public interface Family {
  /** The name models use, as in {@code x ~ Normal(...)}. */
  String name();

  /**
   * Its forms, tried in order. A parameter the model does not declare takes its type from the
   * first form that fits everything else, so the most common form comes first.
   */
  List<Signature> signatures();

  /** What the family may be the distribution of. */
  Set<Use> uses();

  /**
   * Its E-step and M-step for a statement that makes it the distribution of data or of the
   * latent variable: the log-density, the expected sufficient statistics (declared through
   * {@code site}) and the update of every free argument.
   *
   * @throws Unsupported when the statement uses the family in a way it has no M-step for
   */
  default FactorModel factor(FactorSite site) throws Unsupported {
    throw new Unsupported(name() + " has no EM updates yet");
  }

  /**
   * Whether argument {@code param} of form {@code form} may be a covariate, each row's own known
   * value, which {@link #factor} then sees as {@link Arg#perRow}. Other arguments refuse one: a
   * covariate anywhere else would be a regression.
   */
  default boolean takesPerRow(Signature form, String param) {
    return false;
  }

  /**
   * log p(values | args) for a prior statement {@code values ~ Family(args)}: what it adds to the
   * objective, which EM then climbs as the log posterior. {@code values} are the parameters'
   * symbols (one value of them: the analysis sums over components).
   *
   * @throws Unsupported when the family is no prior, or not in this form
   */
  default Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) throws Unsupported {
    throw new Unsupported(name() + " is no prior");
  }

  /**
   * Draws one value of the left side from the form {@code form} with arguments {@code args} (each
   * one value, flat as the runtime stores it) into {@code out}: what {@code emc simulate} calls.
   */
  default void sample(Signature form, List<double[]> args, java.util.random.RandomGenerator rng, double[] out) {
    throw new UnsupportedOperationException(name() + " has no sampler");
  }
}
