package dev.emc.semantics;

/** What a variable is to the model. Constants are not variables; see {@link Constant}. */
public enum Role {
  /** Observed, one value per row, with a distribution. */
  DATA("data"),
  /** Unobserved, one value per row, with a finite domain. */
  LATENT("latent"),
  /** Unknown and fitted; an array when it runs over latent domains. */
  PARAM("parameter"),
  /** Observed and conditioned on: no distribution of its own. */
  COVARIATE("covariate");

  private final String word;

  Role(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
