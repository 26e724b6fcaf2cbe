package dev.emc.analysis;

import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.types.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EM algorithm of one model, shaped like what must be emitted (as stanc3's MIR is): the
 * latent space and its E-step, the data layout, the parameters, the expected sufficient statistics
 * to accumulate, each parameter's M-step update, and what the objective adds to the
 * log-likelihood. The code generator and the derivation read only this, so they cannot disagree.
 *
 * @param sizes every named size, with its value
 * @param columns the values per data row, all data variables side by side
 */
public record EmPlan(
    String model,
    List<String> statements,
    Map<String, Integer> sizes,
    Latent latent,
    List<DataSlot> data,
    int columns,
    List<ParamSlot> params,
    List<SettingSlot> settings,
    List<FactorPlan> factors,
    List<PriorPlan> priors,
    LinearGaussian linearGaussian) {

  public EmPlan {
    statements = List.copyOf(statements);
    sizes = Collections.unmodifiableMap(new LinkedHashMap<>(sizes));
    data = List.copyOf(data);
    params = List.copyOf(params);
    settings = List.copyOf(settings);
    factors = List.copyOf(factors);
    priors = List.copyOf(priors);
  }

  /**
   * A prior statement: what it adds to the objective (its log density, summed over the
   * components of a parameter that has one value per component).
   */
  public record PriorPlan(String statement, String family, Expr logDensity) {}

  /** How the E-step finds the posterior of the latent variables. */
  public enum EStep {
    /** A finite latent, independent per row: r_nk by Bayes' rule over its K values. */
    ENUMERATION,
    /**
     * A finite latent that is a Markov chain over the rows of each sequence (an HMM): the
     * posteriors of each row's value and of each consecutive pair by the forward–backward
     * recursions.
     */
    FORWARD_BACKWARD,
    /**
     * A continuous latent vector h ~ N(0, I) with a child whose mean is linear in it, W h + μ
     * (factor analysis): the posterior of h given the row is Gaussian, and the E-step is its mean
     * and covariance. There is one component.
     */
    LINEAR_GAUSSIAN
  }

  /** The latent variable whose values the components are. */
  public record Latent(String name, String size, int components, EStep eStep) {}

  /**
   * A data variable or covariate: where its values sit in a row.
   *
   * @param covariate conditioned on rather than modelled (a regression's u)
   */
  public record DataSlot(String name, Type type, Symbol symbol, int offset, int width, boolean covariate) {}

  /**
   * A parameter.
   *
   * @param elements numbers in one component's value (1, D, D·D, or K for a simplex)
   * @param free numbers the fit chooses freely, over all components (a simplex of K has K − 1,
   *     a covariance D(D+1)/2): what BIC and AIC count
   */
  public record ParamSlot(
      String name, Type type, Symbol symbol, boolean perComponent, int elements, int free) {}

  /** A number the user sets at fit time: the covariance regularization of a data variable. */
  public record SettingSlot(Symbol symbol, String data, String meaning) {}

  /**
   * One expected sufficient statistic: Σ_n r_nk T(x_n), or Σ_n T(x_n) when not per component; or,
   * with {@code perRow} null, one of a latent chain's that the forward–backward pass adds up
   * (expected first states, expected transitions).
   */
  public record Statistic(Symbol symbol, Expr perRow) {
    public Shape shape() {
      return symbol.shape();
    }

    public boolean ofChain() {
      return perRow == null;
    }
  }

  /**
   * A parameter's M-step: its new value from the statistics and current values, and how the
   * derivation arrives at it (see {@link dev.emc.dist.Update}; the last four may be null).
   *
   * @param written the left side as the derivation writes it (μ_k, or φ_k for an element)
   */
  public record Update(String param, Symbol target, Expr value, String method, Expr textbook,
      Expr written, Expr qTerms, Expr stationarity, String note) {}

  /**
   * One statement {@code lhs ~ Family(args)} as EM sees it.
   *
   * @param statement the statement as written, for messages and listings only: later stages take
   *     what they need from the other components, never by splitting this text again
   * @param lhs the variable on the left side (the first, for a joint prior)
   * @param density f(lhs | args) by name, as the derivation writes it
   * @param logDensity log f(lhs | args), with lhs the row's data or the component's value
   * @param logPenalty what it adds to the objective (regularization); null for nothing
   * @param chain a latent chain's first-row or transition statement: the forward–backward pass,
   *     not the per-row E-step, accounts for it
   * @param gaussian for a normal density of a data variable, what integrating out its empty cells
   *     needs; null for other statements
   * @param args the family's arguments as formulas, in its form's order: what a sampler draws
   *     the left side from (for a chain's transition, the probabilities out of component k)
   */
  public record FactorPlan(
      String statement,
      String lhs,
      String family,
      String form,
      boolean perComponent,
      boolean lhsIsLatent,
      Expr density,
      Expr logDensity,
      List<Statistic> statistics,
      List<Update> updates,
      Expr logPenalty,
      List<Expr> support,
      boolean chain,
      Gaussian gaussian,
      List<Expr> args) {
    public FactorPlan {
      args = List.copyOf(args);
      statistics = List.copyOf(statistics);
      updates = List.copyOf(updates);
      support = List.copyOf(support);
    }
  }

  /**
   * A data variable with a normal density: a row's empty cells of it have a conditional Gaussian
   * given its other cells (see {@link dev.emc.dist.FactorModel.Gaussian}).
   *
   * @param scatter the statistic the cells' conditional covariance adds to; null when the
   *     covariance is not estimated
   */
  public record Gaussian(String data, Symbol mean, Symbol covariance, Symbol scatter) {}

  /**
   * Factor analysis: the latent h : vector[Q] ~ N(0, I), the data x : vector[D] ~ N(W h + μ, Ψ)
   * with Ψ diagonal (a vector of variances) or one variance for every column (probabilistic PCA),
   * and the statistics of the M-step, with h's posterior moments m_n and G and the residual
   * r_n = x_n − μ − W m_n: S_r = Σ r_n, S_rr = Σ r_n ∘ r_n, S_h = Σ m_n, S_hh = Σ (G + m_n m_nᵀ),
   * S_rh = Σ r_n m_nᵀ.
   */
  public record LinearGaussian(Symbol latent, Symbol data, Symbol loadings, Symbol mean, Symbol noise,
      Symbol regularization, Symbol sr, Symbol srr, Symbol sh, Symbol shh, Symbol srh) {
    /** Whether Ψ is one variance for every column (probabilistic PCA). */
    public boolean spherical() {
      return noise.shape().isScalar();
    }
  }

  /** The factors the per-row E-step multiplies: all but a latent chain's. */
  public List<FactorPlan> rowFactors() {
    return factors.stream().filter(f -> !f.chain()).toList();
  }

  /** A latent chain's two statements, first row then transition; empty for a mixture. */
  public List<FactorPlan> chainFactors() {
    return factors.stream().filter(FactorPlan::chain).toList();
  }

  public int size(String name) {
    Integer v = sizes.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no size " + name);
    }
    return v;
  }

  /** All statistics, in the order of the factors. */
  public List<Statistic> statistics() {
    return factors.stream().flatMap(f -> f.statistics().stream()).toList();
  }

  /** The statistics the per-row pass accumulates: all but a latent chain's. */
  public List<Statistic> rowStatistics() {
    return statistics().stream().filter(st -> !st.ofChain()).toList();
  }

  /** All updates, in the order of the factors. */
  public List<Update> updates() {
    return factors.stream().flatMap(f -> f.updates().stream()).toList();
  }

  /** Free numbers over all parameters. */
  public int freeParameters() {
    return params.stream().mapToInt(ParamSlot::free).sum();
  }
}
