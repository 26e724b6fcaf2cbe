package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
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
    double secondsPerIteration) {

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
   * that are well apart. {@code data} are the rows the model was fitted to.
   */
  public double icl(DataMatrix data) {
    Prediction p = predict(data);
    double entropy = 0;
    for (int n = 0; n < p.rows(); n++) {
      double r = p.responsibilities()[n * p.components() + p.component(n)];
      entropy -= data.weight(n) * Math.log(r);
    }
    return bic() + 2 * entropy;
  }

  /** −2 log L + 2p: smaller is better. */
  public double aic() {
    return -2 * logLikelihood + 2.0 * model.freeParameters();
  }
}
