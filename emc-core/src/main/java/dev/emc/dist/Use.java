package dev.emc.dist;

/** What a family may be the distribution of. */
public enum Use {
  /** Observed data: {@code x ~ Normal(mu[z], Sigma[z])}. */
  DATA,
  /** A latent variable with a finite domain: {@code z ~ Categorical(phi)}. */
  LATENT,
  /** A prior on a parameter: {@code phi ~ Dirichlet(2.0)}. */
  PRIOR
}
