package dev.emc.runtime;

/**
 * How a model's latent runs over the rows: what generated code tells the fit driver so that it
 * can pick the E-step pass ({@code fit.LatentPass.of}). One record per latent structure; a new
 * structure is a new record and a new visitor method, which every pass factory must then handle.
 */
public sealed interface Latent {
  <R> R accept(Visitor<R> v);

  /** One method per structure. */
  interface Visitor<R> {
    R visitRows(Rows r);

    R visitChain(Chain c);

    R visitFactors(Factors f);
  }

  /** A finite latent, independent across rows given the parameters (a mixture). */
  record Rows() implements Latent {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitRows(this);
    }
  }

  /**
   * A finite latent that is a Markov chain over the rows of each sequence: the chain's parameters'
   * names (the first row's probabilities, K; the transition matrix, K rows of K) and where the
   * statistics hold the expected first states (K) and expected transitions (K × K, row j for
   * transitions out of j).
   */
  record Chain(String initial, String transition, int firstStates, int transitions) implements Latent {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitChain(this);
    }
  }

  /**
   * A continuous latent h ~ N(0, I_Q) with data x (the {@code width} columns from {@code offset})
   * of mean W h + μ and noise Ψ, diagonal or one variance: the parameters' names, so that a fit
   * can start from the data's principal components; the model's factor scores, and the latent's
   * name, which names their columns (h1 … hQ); and its moments, which add across parameters (for
   * online EM). With a finite latent above h (a mixture of factor analysers) the model has K
   * components and W, μ (and perhaps Ψ) one per component.
   */
  record Factors(FactorScores scores, String name, int offset, int width, int factors, String loadings, String mean,
      String noise, Moments moments) implements Latent {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitFactors(this);
    }
  }
}
