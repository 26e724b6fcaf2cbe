import dev.emc.runtime.EmModel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The E-step and M-step of a class generic in D (emc compile MODEL) against the class specialized
 * to D (emc compile MODEL --set D=…), on the same rows at the same parameters, in one JVM: the
 * seconds per pass of each, interleaved, and their ratio. Run by generic-bench.sh, which writes and
 * compiles both classes.
 *
 * <p>Usage: GenericBench GENERIC_DIR SPECIALIZED_DIR CLASS D ROWS ROUNDS
 */
public final class GenericBench {
  public static void main(String[] args) throws Exception {
    String name = args[2];
    int d = Integer.parseInt(args[3]);
    int rows = Integer.parseInt(args[4]);
    int rounds = Integer.parseInt(args[5]);
    EmModel generic = (EmModel) load(args[0], name).getConstructor(int.class).newInstance(d);
    EmModel specialized = (EmModel) load(args[1], name).getConstructor().newInstance();
    double[] data = new double[rows * d];
    SplittableRandom rng = new SplittableRandom(1);
    for (int n = 0; n < rows; n++) {
      for (int i = 0; i < d; i++) {
        data[n * d + i] = rng.nextGaussian() + (n % 2 == 0 ? 0 : 3);
      }
    }
    for (EmModel m : new EmModel[] {generic, specialized}) {
      start(m, d);
    }
    double g = 0;
    double s = 0;
    // Rounds alternate, so that both see the same machine; the first two of each warm up.
    for (int r = 0; r < rounds + 2; r++) {
      double tg = pass(generic, data, rows);
      double ts = pass(specialized, data, rows);
      if (r >= 2) {
        g += tg;
        s += ts;
      }
    }
    System.out.printf("%s D=%d rows=%d: generic %.4f s/pass, specialized %.4f s/pass, generic/specialized %.3f%n",
        name, d, rows, g / rounds, s / rounds, g / s);
  }

  private static Class<?> load(String dir, String name) throws Exception {
    return new URLClassLoader(new URL[] {Path.of(dir).toUri().toURL()}, GenericBench.class.getClassLoader())
        .loadClass(name);
  }

  /** Equal weights, means 0 and 3 in every coordinate, unit variances. */
  private static void start(EmModel m, int d) {
    Arrays.fill(m.param("phi"), 0.5);
    double[] mu = m.param("mu");
    for (int i = 0; i < mu.length; i++) {
      mu[i] = i < d ? 0 : 3;
    }
    double[] sigma = m.param(Arrays.stream(new String[] {"Sigma", "s2"})
        .filter(p -> m.params().stream().anyMatch(i -> i.name().equals(p))).findFirst().orElseThrow());
    int per = sigma.length / 2;
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < d; i++) {
        sigma[k * per + (per == d ? i : i * d + i)] = 1.0;
      }
    }
    String problem = m.prepare();
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
  }

  /** One E-step over the rows and one M-step, from the same start each time. */
  private static double pass(EmModel m, double[] data, int rows) {
    double[] stats = new double[m.statisticsLength()];
    long t0 = System.nanoTime();
    m.accumulate(data, 0, rows, stats);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!Double.isFinite(stats[EmModel.LOGLIK])) {
      throw new IllegalStateException("log-likelihood " + stats[EmModel.LOGLIK]);
    }
    return seconds;
  }
}
