import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.fitting.MultivariateNormalMixtureExpectationMaximization;
import org.apache.commons.math3.distribution.MixtureMultivariateNormalDistribution;
import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.util.Pair;

/**
 * Commons Math's Gaussian-mixture EM on a CSV from a start in emc's JSON, for bench/run.py:
 *
 *     java -cp emc-cli/target/emc.jar bench/CommonsMathPeer.java DATA.csv START.json ITERATIONS
 *
 * prints secondsPerIteration=… logLikelihood=… (the log-likelihood at the parameters after
 * ITERATIONS M-steps; seconds per iteration from the difference of ITERATIONS and 2). Its fit runs
 * maxIterations + 1 iterations and wants both positive; with the smallest positive threshold it
 * ends by throwing ConvergenceException, and the fitted model is kept all the same.
 */
public class CommonsMathPeer {
  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    double[][] x = new double[lines.size() - 1][];
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",");
      x[i - 1] = new double[cells.length];
      for (int j = 0; j < cells.length; j++) {
        x[i - 1][j] = Double.parseDouble(cells[j].strip());
      }
    }
    JsonNode p = new ObjectMapper().readTree(Path.of(args[1]).toFile()).get("params");
    int iterations = Integer.parseInt(args[2]);
    List<Pair<Double, MultivariateNormalDistribution>> components = new ArrayList<>();
    for (int k = 0; k < p.get("phi").size(); k++) {
      int d = p.get("mu").get(k).size();
      double[] mean = new double[d];
      double[][] cov = new double[d][d];
      for (int i = 0; i < d; i++) {
        mean[i] = p.get("mu").get(k).get(i).asDouble();
        for (int j = 0; j < d; j++) {
          cov[i][j] = p.get("Sigma").get(k).get(i).get(j).asDouble();
        }
      }
      components.add(new Pair<>(p.get("phi").get(k).asDouble(), new MultivariateNormalDistribution(mean, cov)));
    }
    MixtureMultivariateNormalDistribution start = new MixtureMultivariateNormalDistribution(components);
    double two = fit(x, start, 2).seconds;
    Result many = fit(x, start, iterations);
    double ll = 0;
    for (double[] row : x) {
      ll += Math.log(many.model.density(row));
    }
    System.out.println("secondsPerIteration=" + (many.seconds - two) / (iterations - 2));
    System.out.println("logLikelihood=" + ll);
  }

  private record Result(double seconds, MixtureMultivariateNormalDistribution model) {}

  private static Result fit(double[][] x, MixtureMultivariateNormalDistribution start, int mSteps) {
    MultivariateNormalMixtureExpectationMaximization em = new MultivariateNormalMixtureExpectationMaximization(x);
    long t0 = System.nanoTime();
    try {
      em.fit(start, mSteps - 1, Double.MIN_VALUE);
    } catch (ConvergenceException expected) {
      // A threshold of 4.9e-324: it never "converges"; the model after the last M-step is kept.
    }
    return new Result((System.nanoTime() - t0) / 1e9, em.getFittedModel());
  }
}
