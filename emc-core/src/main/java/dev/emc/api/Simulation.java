package dev.emc.api;

import dev.emc.runtime.data.DataMatrix;
import java.util.List;

/**
 * Rows drawn from a model, and the latent values they were drawn with.
 *
 * @param latentNames the latent values' names, as columns: the latent's (z), or one per factor (h1..hQ)
 * @param latents row n's latent value: its component 1..K (one number), or its Q factors
 */
public record Simulation(DataMatrix data, List<String> latentNames, double[][] latents) {
  public Simulation {
    latentNames = List.copyOf(latentNames);
  }
}
