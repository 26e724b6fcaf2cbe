package dev.emc.runtime.fit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.List;
import java.util.Map;

/**
 * A finished fit.
 *
 * @param params each parameter's values, flat as the model stores them
 * @param logLikelihood Σ_n log p(x_n) at {@code params}
 * @param objective what EM climbed: the log-likelihood plus the regularization's log-penalty
 * @param iterations M-steps of the best run
 * @param trace the objective before each of the best run's M-steps, and at its end
 * @param halvings E-step passes the best run spent shortening the steps of stepped parameters
 *     ({@link dev.emc.runtime.ParamInfo#stepped}), besides the trace's one pass per iteration
 * @param restart which run won (0-based)
 * @param weight the rows' total weight: their number, unless they were weighted; the N of BIC
 * @param warnings things the user should know: an empty component, a failed restart
 * @param fitSeconds how long the fit took, starts and every run
 * @param secondsPerIteration the mean time of one E-step and M-step
 * @param options how the fit was made: what a saved fit records beside its numbers
 */
public record FitResult(
    EmModel model,
    Map<String, double[]> params,
    double logLikelihood,
    double objective,
    int iterations,
    boolean converged,
    List<Double> trace,
    int halvings,
    int restart,
    int rows,
    double weight,
    List<String> warnings,
    double fitSeconds,
    double secondsPerIteration,
    FitOptions options) {

  /**
   * A parameter by its name in the model (phi, mu, Sigma, lambda, …), as nested arrays the way
   * people write them ({@link Params#nested}): a {@code Double}, {@code double[]}, {@code
   * double[][]} or {@code double[][][]}, with the component first for a parameter that has one
   * value per component (μ as [K][D], Σ as [K][D][D]). A copy: changing it changes nothing.
   *
   * @throws IllegalArgumentException when the model has no parameter of that name
   */
  public Object param(String name) {
    return Params.nested(info(name), params.get(name));
  }

  /**
   * The same, as the type it is: {@code fit.param("mu", double[][].class)}.
   *
   * @throws IllegalArgumentException when the model has no parameter of that name, or it is not of
   *     that type (the message says which it is)
   */
  public <T> T param(String name, Class<T> type) {
    Object value = param(name);
    boolean number = type == double.class || type == Double.class;
    checkArgument(number ? value instanceof Double : type.isInstance(value), "%s is a %s (%s), not a %s", name,
        value instanceof Double ? "double" : value.getClass().getSimpleName(), info(name), type.getSimpleName());
    @SuppressWarnings("unchecked")
    T t = (T) value;
    return t;
  }

  /**
   * The mixing weights: the model's one probability vector over its K components (φ of {@code z ~
   * Categorical(phi)}), shared by every row.
   *
   * @throws IllegalStateException when the model has none: its latent is a chain (its first row's
   *     probabilities and its transitions are parameters of their own), the components'
   *     probabilities depend on each row (a mixture of experts), or it has no components
   */
  public double[] weights() {
    ParamInfo found = null;
    for (ParamInfo p : model.params()) {
      if (p.constraint() == ParamInfo.Constraint.SIMPLEX && p.copies() == 1 && p.shape().length == 1
          && p.shape()[0] == model.components() && model.components() > 1) {
        if (found != null) {
          throw new IllegalStateException("model " + model.name() + " has two probability vectors over its components, "
              + found.name() + " and " + p.name() + ": read the one meant with param(name)");
        }
        found = p;
      }
    }
    if (found == null || !(model.latent() instanceof Latent.Rows)) {
      throw new IllegalStateException("model " + model.name() + " has no mixing weights (one probability vector over its"
          + " components that every row shares)" + (model.latent() instanceof Latent.Chain c ? ": its latent is a chain,"
          + " with first-row probabilities " + c.initial() + " and transitions " + c.transition() : "")
          + "; its parameters are " + names() + ", each read with param(name)");
    }
    return params.get(found.name()).clone();
  }

  /**
   * Component k's mean (0-based k) of the model's one normal data variable: μ_k of {@code x ~
   * MultiNormal(mu[z], Sigma[z])}, or the shared mean when it has no component index.
   *
   * @throws IllegalStateException when the model has no normal data variable, or several
   * @throws IllegalArgumentException when k is not a component
   */
  public double[] mean(int k) {
    EmModel.Gaussian g = gaussian("mean");
    int c = component(k); // checked even when the mean is shared
    int at = g.meanPerComponent() ? c * g.width() : 0;
    return java.util.Arrays.copyOfRange(params.get(g.mean()), at, at + g.width());
  }

  /**
   * Component k's covariance (0-based k) of the model's one normal data variable, as a full D × D
   * matrix whatever its form: a diagonal one with zeros off the diagonal, a spherical one as σ² I.
   *
   * @throws IllegalStateException when the model has no normal data variable, or several
   * @throws IllegalArgumentException when k is not a component
   */
  public double[][] covariance(int k) {
    EmModel.Gaussian g = gaussian("covariance");
    double[] s = params.get(g.covariance());
    int c = component(k);
    int at = g.covariancePerComponent() ? c * g.size() : 0;
    int d = g.width();
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = switch (g.form()) {
          case FULL -> s[at + i * d + j];
          case DIAGONAL -> i == j ? s[at + i] : 0;
          case SPHERICAL -> i == j ? s[at] : 0;
        };
      }
    }
    return out;
  }

  /**
   * What the fitted parameters say about rows given in memory, each in the model's column layout
   * ({@code model().columns()} numbers, all finite): each row's posterior over the components, its
   * most likely component and its log-density, as {@code emc predict} prints them. For a model
   * whose latent is a chain, the rows are one sequence.
   *
   * @throws DataException naming the row's index when a row is of the wrong width, holds a number
   *     that is not finite, or a value the model's families cannot take
   */
  public Prediction predict(double[][] rows) throws DataException {
    checkNotNull(rows, "rows");
    DataMatrix data = DataMatrix.checked("rows", rows, model.columns());
    for (int n = 0; n < rows.length; n++) {
      String problem = model.checkRow(data.values(), n);
      if (problem != null) {
        throw new DataException("rows", "rows[" + n + "]: " + problem);
      }
    }
    return predict(data);
  }

  /**
   * The mean log-likelihood per row, (1/N) Σ_n log p(x_n), as scikit-learn's {@code score}: on the
   * rows the model was fitted to, {@code logLikelihood() / rows()}.
   *
   * @throws DataException as {@link #predict(double[][])}, and for no rows
   */
  public double score(double[][] rows) throws DataException {
    checkNotNull(rows, "rows");
    if (rows.length == 0) {
      throw new DataException("rows", "there are no rows to score");
    }
    return predict(rows).logLikelihood() / rows.length;
  }

  private ParamInfo info(String name) {
    checkNotNull(name, "name");
    for (ParamInfo p : model.params()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("model " + model.name() + " has no parameter " + name + "; it has " + names());
  }

  private List<String> names() {
    return model.params().stream().map(ParamInfo::name).toList();
  }

  private int component(int k) {
    checkArgument(k >= 0 && k < Math.max(1, model.components()), "component %s is not one of 0..%s (0-based)", k,
        Math.max(1, model.components()) - 1);
    return k;
  }

  private EmModel.Gaussian gaussian(String what) {
    List<EmModel.Gaussian> normal = model.gaussians();
    if (normal.size() != 1) {
      throw new IllegalStateException("model " + model.name() + " has " + (normal.isEmpty() ? "no" : "several")
          + " normal data variables, so no one " + what + " per component; its parameters are " + names()
          + ", each read with param(name)");
    }
    return normal.get(0);
  }

  /**
   * r_nk for every row of {@code data}: row n's posterior over the components (for a latent chain,
   * given all the rows of its sequence).
   */
  public double[][] responsibilities(DataMatrix data) {
    Prediction p = predict(data);
    double[][] r = new double[data.rows()][];
    for (int n = 0; n < data.rows(); n++) {
      r[n] = p.responsibilities(n);
    }
    return r;
  }

  /** What the fitted parameters say about each row of {@code data}. */
  public Prediction predict(DataMatrix data) {
    return Fitter.predict(model, data);
  }

  /**
   * The sizes of the components, how unsure the rows' components are and, for partly labelled
   * {@code data}, the classification against the labels: from {@link #predict}'s posteriors.
   */
  public Classification classification(DataMatrix data) {
    return Classification.of(predict(data), data);
  }

  /** For a model whose latent is a chain: each row's state on the most likely path, 1..K. */
  public int[] viterbi(DataMatrix data) {
    int[] path = Fitter.viterbi(model, data);
    for (int n = 0; n < path.length; n++) {
      path[n]++;
    }
    return path;
  }

  /** −2 log L + p log N: smaller is better (Schwarz; scikit-learn's sign). */
  public double bic() {
    return -2 * logLikelihood + model.freeParameters() * Math.log(weight);
  }

  /**
   * The integrated complete-data likelihood criterion (Biernacki, Celeux and Govaert 2000) as
   * mclust computes it, in BIC's sign here: BIC − 2 Σ_n w_n log r_n,ẑ_n, with ẑ_n row n's most
   * likely component. It adds to BIC the entropy of the classification, so it prefers components
   * that are well apart. {@code data} are the rows the model was fitted to, or a sample of them
   * spread over all (a fit on Spark keeps at most 2²⁰ rows in the driver): then the sample's
   * entropy is scaled up to the fitted rows' total weight.
   */
  public double icl(DataMatrix data) {
    Prediction p = predict(data);
    double entropy = 0;
    for (int n = 0; n < p.rows(); n++) {
      double r = p.responsibilities()[n * p.components() + p.component(n)];
      entropy -= data.weight(n) * Math.log(r);
    }
    return bic() + 2 * entropy * sampled(data);
  }

  /**
   * How many of the fitted rows each of {@code data}'s stands for: 1 for the fitted rows
   * themselves, the total weight over the sample's for a sample of them.
   */
  double sampled(DataMatrix data) {
    return data.rows() < rows ? weight / data.totalWeight() : 1;
  }

  /** −2 log L + 2p: smaller is better. */
  public double aic() {
    return -2 * logLikelihood + 2.0 * model.freeParameters();
  }
}
