package dev.emc.runtime;

import java.util.List;

/**
 * The contract between the fit driver and a model's generated code.
 *
 * <p>Data are one flat row-major {@code double[]}: row n's values start at {@code n * columns()}.
 * One pass over a range of rows — the E-step and the accumulation of expected sufficient
 * statistics together — adds into a {@code double[]} of {@link #statisticsLength()}; partial
 * results of any split of the rows (for a latent chain, of the sequences: see {@link #latent()})
 * merge by adding the arrays, in any grouping: the same code runs on one thread, on many, or on a
 * cluster. Its first entries are fixed:
 * {@link #LOGLIK}, {@link #WEIGHT}, then the K counts at {@link #COUNT}.
 *
 * <p>Use: set parameters (or {@link #maximize} from statistics), {@link #prepare}, then
 * {@link #accumulate} over all rows, merge, {@link #maximize}, {@link #prepare}, and so on.
 * Accumulating is thread-safe between prepares; nothing else is.
 */
public interface EmModel {
  /** Σ_n log p(x_n) at the parameters the pass ran with. */
  int LOGLIK = 0;
  /**
   * The rows' total weight: their number, or the sum of their weights when they are weighted
   * ({@link #accumulateGiven} adds up the responsibilities it is given).
   */
  int WEIGHT = 1;
  /** N_k = Σ_n r_nk, for k = 0 … K−1. */
  int COUNT = 2;
  /**
   * A component whose N_k is at most this fraction of the rows is empty: the M-step leaves its
   * parameters as they are (there is nothing to estimate them from) and its weight near 0.
   */
  double EMPTY = 1e-12;

  String name();

  /** K, the number of components (values of the latent variable). */
  int components();

  /** Values per data row. */
  int columns();

  List<ParamInfo> params();

  List<DataInfo> data();

  List<SettingInfo> settings();

  /** The number of freely chosen numbers in the parameters, for BIC and AIC. */
  int freeParameters();

  int statisticsLength();

  /** A parameter's live storage, component-major and row-major: write it to set the parameter. */
  double[] param(String name);

  /** A setting's live storage. */
  double[] setting(String name);

  /**
   * Recomputes what the E-step caches per component (Cholesky factors, log-normalizers) from the
   * current parameters. Returns null when they are usable, or what is wrong with them.
   */
  String prepare();

  /**
   * E-step and statistics for rows [from, to): adds into {@code stats}. Rows whose latent is a
   * chain must be one whole sequence, as the chain's pass gives them.
   */
  void accumulate(double[] data, int from, int to, double[] stats);

  /**
   * Statistics for rows [from, to) with given responsibilities instead of the E-step's
   * ({@code resp[n * K + k]}): how an initialization becomes parameters, and how weighted rows
   * count (their responsibilities times their weights). Adds Σ resp to WEIGHT; leaves LOGLIK alone.
   */
  void accumulateGiven(double[] data, int from, int to, double[] resp, double[] stats);

  /** The M-step: every parameter's update from merged statistics. */
  void maximize(double[] stats);

  /** What the objective adds to the log-likelihood at the prepared parameters (regularization). */
  double logPenalty();

  /**
   * Null when row {@code n}'s values are ones the model's families can take, or what is wrong
   * with them (a binomial count above its trials): the checks a value's type cannot make.
   */
  String checkRow(double[] data, int n);

  /**
   * r_nk for rows [from, to), into {@code out[(n - from) * K + k]}; returns Σ_n log p(x_n). Rows
   * whose latent is a chain must be one whole sequence, as for {@link #accumulate}.
   */
  double responsibilities(double[] data, int from, int to, double[] out);

  /**
   * log p(x_n, z_n = k) for rows [from, to), into {@code out[(n - from) * K + k]}; for a model
   * whose latent is a chain, log p(x_n | z_n = k), the emission densities.
   */
  void logDensities(double[] data, int from, int to, double[] out);

  /** How the latent runs over the rows, which decides how the fit driver runs the E-step. */
  Latent latent();

  /**
   * A data variable with a normal density, whose empty cells (NaN) a row may leave for the E-step
   * to integrate out ({@code fit.MissingCells}): its columns, its mean and covariance parameters, and
   * where its scatter statistic Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ starts (−1 when the covariance
   * is fixed). The scatter is per component, in the covariance's form.
   */
  record Gaussian(int offset, int width, String mean, boolean meanPerComponent, String covariance,
      boolean covariancePerComponent, Form form, int scatter) {
    /** How the covariance is stored: a matrix, its diagonal, or one variance for every coordinate. */
    public enum Form { FULL, DIAGONAL, SPHERICAL }

    /** Numbers in one component's covariance (and scatter). */
    public int size() {
      return switch (form) {
        case FULL -> width * width;
        case DIAGONAL -> width;
        case SPHERICAL -> 1;
      };
    }
  }

  /**
   * L, the numbers of the parameters that one component's log p(x_n, z = k) reads (φ_k, μ_k's
   * elements, …), over which {@link #rowScores} differentiates; 0 when the compiler wrote no
   * score for this model.
   */
  default int scoreLength() {
    return 0;
  }

  /**
   * Where coordinate {@code c} (0 … L−1) of component {@code k} sits in the parameters' storage
   * laid end to end in {@link #params()}' order.
   */
  default int scoreCoordinate(int k, int c) {
    throw new UnsupportedOperationException(name() + " has no score");
  }

  /**
   * Row n's complete-data score ∂/∂θ log p(x_n, z = k) into {@code score[k * L + a]}, and its
   * Hessian's entries a ≤ b into {@code hessian[(k * L + a) * L + b]}, for every k; entries that are
   * 0 are not written, so the caller zeroes the arrays. At the prepared parameters.
   */
  default void rowScores(double[] data, int n, double[] score, double[] hessian) {
    throw new UnsupportedOperationException(name() + " has no score");
  }

  /**
   * Adds the log prior's Hessian ∂²/∂θ∂θᵀ log p(θ) at the current parameters into {@code hessian},
   * T × T row-major over the parameters' numbers laid end to end in {@link #params()}' order (T
   * their count), at the places {@link #scoreCoordinate} uses; returns false, adding nothing, when
   * the model has no prior (or the compiler wrote no score for it).
   */
  default boolean priorHessian(double[] hessian) {
    return false;
  }

  /**
   * The parameters whose values over the components are identified only up to a common shift,
   * which the fit keeps centred (Σ_k g_k = 0): a mixture of experts' gate, read only through the
   * softmax over the components. Their information is taken over K − 1 components' values.
   */
  default List<String> centred() {
    return List.of();
  }

  /** The data variables whose empty cells can be integrated out; empty when none can. */
  default List<Gaussian> gaussians() {
    return List.of();
  }

  /**
   * A plain mixture of multivariate normals with full covariances, z ~ Categorical(φ) and x ~
   * Normal(μ[z], Σ[z]) or Σ shared ({@code tied}), nothing else: its parameters' names and its
   * columns ({@code width} from {@code offset}), whose observed information has a closed form
   * ({@code fit.GaussianInformation}) where {@link #rowScores} is not written.
   */
  record NormalMixture(String weights, String mean, String covariance, boolean tied, int offset, int width) {}

  /** This model as a plain {@link NormalMixture}; null for any other model. */
  default NormalMixture normalMixture() {
    return null;
  }

  /**
   * A plain mixture of multivariate t distributions with full scale matrices, z ~ Categorical(φ),
   * w ~ Gamma(ν/2, ν/2) and x ~ Normal(μ[z], Σ[z] / w) (or Σ shared, {@code tied}), nothing else:
   * its parameters' names, ν's ({@code nu} null when ν is the number {@code fixedNu}; one value per
   * component or one shared) and its columns, whose observed information has a closed form
   * ({@code fit.GaussianInformation}) where {@link #rowScores} is not written.
   */
  record TMixture(String weights, String nu, boolean nuPerComponent, double fixedNu, String mean,
      String covariance, boolean tied, int offset, int width) {}

  /** This model as a plain {@link TMixture}; null for any other model. */
  default TMixture tMixture() {
    return null;
  }
}
