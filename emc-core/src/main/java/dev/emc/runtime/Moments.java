package dev.emc.runtime;

/**
 * Expected sufficient statistics that add across parameters, for a model whose ordinary
 * statistics do not (factor analysis: {@link EmModel#accumulate} centres them on the mean and
 * the fitted W m_n of the parameters the pass ran with). The moments are the complete-data
 * statistics' conditional expectations about a fixed shift c, Σ r (x − c), Σ r (x − c)², Σ r E[h],
 * Σ r E[h hᵀ], Σ r (x − c) E[h]ᵀ (per component, with r the responsibilities): each row's depend on
 * the parameters only through its own E-step, so moments of batches at different parameters add
 * (stepwise EM averages them), and {@link #centred} turns any such sum into the statistics
 * {@link EmModel#maximize} reads. Generated code implements it beside {@link EmModel}.
 */
public interface Moments {
  /** The length of a moments array: its first entries are {@link EmModel#LOGLIK}, WEIGHT and the K counts. */
  int momentsLength();

  /**
   * A shift for the moments to be about, in the mean parameter's layout (K × D in a mixture): the
   * prepared parameters' means (a copy). Any fixed shift gives the same M-step; one near the data
   * keeps the rounding of raw moments small.
   */
  double[] shift();

  /** The E-step at the prepared parameters for rows [from, to), its moments about {@code shift} added into {@code out}. */
  void moments(double[] data, int from, int to, double[] shift, double[] out);

  /**
   * The statistics that {@link EmModel#maximize} reads at the prepared parameters, from moments
   * about {@code shift} (of any rows, at any parameters): written into {@code stats}, of
   * {@link EmModel#statisticsLength()}.
   */
  void centred(double[] moments, double[] shift, double[] stats);
}
