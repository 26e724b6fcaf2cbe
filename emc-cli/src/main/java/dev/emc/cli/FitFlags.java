package dev.emc.cli;

import dev.emc.runtime.fit.FitOptions;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How to fit: the options `emc fit` and `emc select` share. */
final class FitFlags {
  @Option(names = "--tol", paramLabel = "T", defaultValue = "1e-10",
      description = "Relative convergence tolerance (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--max-iter", paramLabel = "N", defaultValue = "1000",
      description = "The most iterations per run (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--restarts", paramLabel = "N",
      description = "Runs from different starts; the best wins (default: 1 for fit, 10 for select).")
  Integer restarts;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the starts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--init-method", paramLabel = "M", defaultValue = "kmeans",
      description = "kmeans (k-means++ then Lloyd) or random responsibilities (default: ${DEFAULT-VALUE}).")
  String initMethod;

  @Option(names = "--reg", paramLabel = "R", defaultValue = "1e-6",
      description = "Covariance regularization: Ψ = R · diag(column variances); 0 turns it off"
          + " (default: ${DEFAULT-VALUE}).")
  double reg;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the E-step (default: all cores).")
  Integer threads;

  /** The options, checked; {@code restartsByDefault} when --restarts was not given. */
  FitOptions options(CommandSpec spec, int restartsByDefault) {
    int runs = restarts == null ? restartsByDefault : restarts;
    if (!(tol >= 0)) {
      throw new ParameterException(spec.commandLine(), "--tol must be 0 or more, not " + tol);
    }
    if (maxIter < 0) {
      throw new ParameterException(spec.commandLine(), "--max-iter must be 0 or more, not " + maxIter);
    }
    if (runs < 1) {
      throw new ParameterException(spec.commandLine(), "--restarts must be at least 1, not " + runs);
    }
    if (!(reg >= 0)) {
      throw new ParameterException(spec.commandLine(), "--reg must be 0 or more, not " + reg);
    }
    if (threads != null && threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, not " + threads);
    }
    if (!initMethod.equals("kmeans") && !initMethod.equals("random")) {
      throw new ParameterException(spec.commandLine(), "--init-method is kmeans or random, not " + initMethod);
    }
    return new FitOptions(tol, maxIter, runs, seed,
        threads == null ? Runtime.getRuntime().availableProcessors() : threads, reg,
        initMethod.equals("random") ? FitOptions.Init.RANDOM : FitOptions.Init.KMEANS, Map.of());
  }
}
