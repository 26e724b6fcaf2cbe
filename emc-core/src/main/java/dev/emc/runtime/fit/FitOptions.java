package dev.emc.runtime.fit;

import java.util.Map;

/**
 * How to fit.
 *
 * @param tol convergence: stop when the objective rises by at most {@code tol · |objective|} in
 *     an iteration; 0 runs exactly {@code maxIter} iterations
 * @param maxIter the most M-steps a run makes
 * @param restarts runs from different starts; the best objective wins
 * @param seed for the starts
 * @param threads for the E-step passes
 * @param reg covariance regularization: Ψ = reg · diag(column variances) (0 turns it off)
 * @param init how a run starts
 * @param start parameter values to start from, when {@code init} is {@link Init#GIVEN}
 */
public record FitOptions(
    double tol, int maxIter, int restarts, long seed, int threads, double reg, Init init,
    Map<String, double[]> start) {

  public enum Init {
    /** k-means++ seeding, then Lloyd's iterations, on standardized data; hard labels → M-step. */
    KMEANS,
    /** Random responsibilities → M-step. */
    RANDOM,
    /** Parameters given ({@code start}). */
    GIVEN
  }

  public static FitOptions defaults() {
    return new FitOptions(1e-10, 1000, 1, 1, Runtime.getRuntime().availableProcessors(), 1e-6,
        Init.KMEANS, Map.of());
  }

  public FitOptions withTol(double v) {
    return new FitOptions(v, maxIter, restarts, seed, threads, reg, init, start);
  }

  public FitOptions withMaxIter(int v) {
    return new FitOptions(tol, v, restarts, seed, threads, reg, init, start);
  }

  public FitOptions withRestarts(int v) {
    return new FitOptions(tol, maxIter, v, seed, threads, reg, init, start);
  }

  public FitOptions withSeed(long v) {
    return new FitOptions(tol, maxIter, restarts, v, threads, reg, init, start);
  }

  public FitOptions withThreads(int v) {
    return new FitOptions(tol, maxIter, restarts, seed, v, reg, init, start);
  }

  public FitOptions withReg(double v) {
    return new FitOptions(tol, maxIter, restarts, seed, threads, v, init, start);
  }

  public FitOptions withInit(Init v) {
    return new FitOptions(tol, maxIter, restarts, seed, threads, reg, v, start);
  }

  public FitOptions withStart(Map<String, double[]> v) {
    return new FitOptions(tol, maxIter, restarts, seed, threads, reg, Init.GIVEN, Map.copyOf(v));
  }
}
