package dev.emc.analysis;

import dev.emc.analysis.latent.LatentStructure;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.math.Text;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The EM algorithm of one model, shaped like what must be emitted (as stanc3's MIR is): the
 * latent space and its E-step, the data layout, the parameters, the expected sufficient statistics
 * to accumulate, each parameter's M-step update, and what the objective adds to the
 * log-likelihood. The code generator and the derivation read only this, so they cannot disagree.
 *
 * @param sizes every named size, with its value
 * @param columns the values per data row, all data variables side by side
 * @param factors the statements the families plan, whose densities the per-row E-step multiplies;
 *     a latent structure's own statements (a chain's first row and transition) are its own
 *     ({@link LatentStructure#ownFactors()})
 */
public record EmPlan(
    String model,
    List<String> statements,
    Map<String, Integer> sizes,
    List<LatentStructure> latents,
    List<DataSlot> data,
    int columns,
    List<ParamSlot> params,
    List<SettingSlot> settings,
    List<FactorPlan> factors,
    List<PriorPlan> priors) {

  public EmPlan {
    statements = List.copyOf(statements);
    latents = List.copyOf(latents);
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

  /**
   * The latent variable whose values the components are. Models have one today; the plan holds a
   * list so that a model of several latent pieces is a plan like any other.
   */
  public LatentStructure latent() {
    return latents.get(0);
  }

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
   * @param count {@code free} as a formula in the sizes' names, for a class generic in them: integer
   *     arithmetic (+, −, ·, / exact or truncating as Java's) and max(a, b)
   */
  public record ParamSlot(
      String name, Type type, Symbol symbol, boolean perComponent, int elements, int free, String count) {
    /** A size in a {@link #count}: its name, or its number. */
    public static String size(Dim d) {
      return d instanceof Dim.Known k ? Integer.toString(k.value()) : ((Dim.Named) d).name();
    }
  }

  /** A number the user sets at fit time: the covariance regularization of a data variable. */
  public record SettingSlot(Symbol symbol, String data, String meaning) {}

  /**
   * One expected sufficient statistic: Σ_n r_nk T(x_n), or Σ_n T(x_n) when not per component, of
   * the per-row {@code T}; or one that a latent structure's own pass adds up (a chain's expected
   * first states and transitions), which has no per-row formula, only its wording.
   *
   * @param perRow T(x_n); null for a structure's own statistic
   * @param sum how it is summed, as {@code emc check} and the generated code's comments write it
   * @param atResponsibility whether a row adds it at r_nk (a statistic per component, save those
   *     declared {@link #overRows}); false for one that each row adds in full
   */
  public record Statistic(Symbol symbol, Expr perRow, String sum, boolean atResponsibility) {
    /** Σ_n r_nk T(x_n), or Σ_n T(x_n) for a statistic that is not per component. */
    public Statistic(Symbol symbol, Expr perRow) {
      this(symbol, perRow, Text.of(new Expr.RowSum(perRow, symbol.perComponent())), symbol.perComponent());
    }

    /** A structure's own statistic, or one of the families' with its wording. */
    public Statistic(Symbol symbol, Expr perRow, String sum) {
      this(symbol, perRow, sum, symbol.perComponent());
    }

    /**
     * Σ_n T_k(x_n) for each component k: kept per component, but every row adds it in full, not at
     * r_nk (see {@link dev.emc.dist.FactorSite#statisticOverRows}).
     */
    public static Statistic overRows(Symbol symbol, Expr perRow) {
      return new Statistic(symbol, perRow, Text.of(new Expr.RowSum(perRow, false)), false);
    }

    public Shape shape() {
      return symbol.shape();
    }
  }

  /**
   * A parameter's M-step: its new value from the statistics and current values, and how the
   * derivation arrives at it (see {@link dev.emc.dist.Update}; the last four may be null).
   *
   * @param written the left side as the derivation writes it (μ_k, or φ_k for an element)
   * @param isStep a step toward the maximum of the parameter's terms of Q, not the maximum, which
   *     the fit driver shortens when the objective falls ({@link dev.emc.dist.Update#asStep})
   */
  public record Update(String param, Symbol target, Expr value, String method, Expr textbook,
      Expr written, Expr qTerms, Expr stationarity, String note, boolean isStep) {
    /** An update to the maximum, or to a value that never lowers Q: what most updates are. */
    public Update(String param, Symbol target, Expr value, String method, Expr textbook, Expr written,
        Expr qTerms, Expr stationarity, String note) {
      this(param, target, value, method, textbook, written, qTerms, stationarity, note, false);
    }
  }

  /**
   * One statement {@code lhs ~ Family(args)} as EM sees it.
   *
   * @param statement the statement as written, for messages and listings only: later stages take
   *     what they need from the other components, never by splitting this text again
   * @param lhs the variable on the left side (the first, for a joint prior)
   * @param density f(lhs | args) by name, as the derivation writes it
   * @param logDensity log f(lhs | args), with lhs the row's data or the component's value
   * @param logPenalty what it adds to the objective (regularization); null for nothing
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

  /** A size's value: a number written in the model, or a named size's. */
  public int size(dev.emc.types.Dim d) {
    return d instanceof dev.emc.types.Dim.Known known ? known.value() : size(d.toString());
  }

  public int size(String name) {
    Integer v = sizes.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no size " + name);
    }
    return v;
  }

  /**
   * Every statement, the families' then the latent structures' own: the order of the statistics
   * and updates, which fixes where each statistic sits in the generated code's array.
   */
  private Stream<FactorPlan> allFactors() {
    return Stream.concat(factors.stream(), latents.stream().flatMap(l -> l.ownFactors().stream()));
  }

  /** All statistics, the families' then the latent structures' own. */
  public List<Statistic> statistics() {
    return allFactors().flatMap(f -> f.statistics().stream()).toList();
  }

  /** The statistics the families' statements add up row by row: all but a structure's own. */
  public List<Statistic> rowStatistics() {
    return factors.stream().flatMap(f -> f.statistics().stream()).toList();
  }

  /** All updates, the families' then the latent structures' own. */
  public List<Update> updates() {
    return allFactors().flatMap(f -> f.updates().stream()).toList();
  }

  /** Free numbers over all parameters. */
  public int freeParameters() {
    return params.stream().mapToInt(ParamSlot::free).sum();
  }
}
