package dev.emc.api;

import dev.emc.runtime.DataMatrix;

/**
 * Rows drawn from a model, and the latent values they were drawn with.
 *
 * @param latents row n's latent value: its component 1..K (one number), or its Q factors
 */
public record Simulation(DataMatrix data, double[][] latents) {}
