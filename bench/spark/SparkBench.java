import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.spark.SparkFit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.GaussianMixture;
import org.apache.spark.mllib.clustering.GaussianMixtureModel;
import org.apache.spark.mllib.linalg.DenseMatrix;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.distribution.MultivariateGaussian;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * emc on Spark against MLlib's GaussianMixture (the RDD API, which takes a start), in one local[2]
 * session on the same cached rows. Run by bench/spark/run.sh [ROWS [ITERATIONS [timing]]]; prints
 * what BENCHMARKS.md reports ("timing": part 1 alone).
 *
 * 1. Seconds per iteration from the same start (emc's k-means++ start, given to both), full
 *    covariance, no regularization, no convergence test: (time of 1 + I iterations − time of 1) / I.
 * 2. The log-likelihood each reaches from its own default start (emc: k-means++, tol 1e-10;
 *    MLlib: its random start, tol 0.01), both computed by emc's pass.
 * 3. D = 100 in units where a row's density is below the smallest double at MLlib's start: MLlib's
 *    responsibilities, in linear space, are all its epsilon, and its components collapse onto one.
 */
public class SparkBench {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int iters = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    // "timing": part 1 alone (at 1M rows MLlib's default start takes up to 100 of its iterations).
    boolean all = args.length < 3 || !args[2].equals("timing");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("emc vs MLlib")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");

    // ---- 1 and 2: N × 10, K = 5, full covariance
    int d = 10, k = 5;
    Dataset<Row> rows = mixture(spark, n, d, k, 3.0, 1.0, 1).persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<Vector> vectors = vectors(rows).persist(StorageLevel.MEMORY_ONLY());
    System.out.printf("rows %d × %d (%d partitions), K = %d%n", vectors.count(), d, vectors.getNumPartitions(), k);
    Model gmm = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of("K", (double) k));
    try (SparkFit fit = SparkFit.bind(gmm, rows, Optional.empty(), Optional.empty(), "bench", 2)) {
      Compiled compiled = fit.bound().compile();
      FitOptions fixed = FitOptions.defaults().withReg(0).withTol(0);
      Map<String, double[]> start = fit.fit(compiled, fixed.withMaxIter(0), (r, rs, i, o) -> true).params();
      FitOptions given = fixed.withStart(start);

      fit.fit(compiled, given.withMaxIter(1), (r, rs, i, o) -> true); // warm-up, untimed
      mllib(k, 1, 0.0, start, d).run(vectors.rdd());
      long t0 = System.nanoTime();
      fit.fit(compiled, given.withMaxIter(1), (r, rs, i, o) -> true);
      long t1 = System.nanoTime();
      FitResult emc = fit.fit(compiled, given.withMaxIter(1 + iters), (r, rs, i, o) -> true);
      long t2 = System.nanoTime();
      double emcPerIter = ((t2 - t1) - (t1 - t0)) / 1e9 / iters;

      long m0 = System.nanoTime();
      GaussianMixtureModel one = mllib(k, 1, 0.0, start, d).run(vectors.rdd());
      long m1 = System.nanoTime();
      GaussianMixtureModel many = mllib(k, 1 + iters, 0.0, start, d).run(vectors.rdd());
      long m2 = System.nanoTime();
      double mllibPerIter = ((m2 - m1) - (m1 - m0)) / 1e9 / iters;
      double mllibLl = logLikelihood(fit, compiled, params(many, d));
      System.out.printf("same start, %d iterations: emc %.3f s/iter, MLlib %.3f s/iter: emc is %.1f× faster;"
          + " log-likelihood after them: emc %.6f, MLlib %.6f per row%n", iters, emcPerIter, mllibPerIter,
          mllibPerIter / emcPerIter, emc.logLikelihood() / n, mllibLl / n);
      one.k();
      if (all) {
        FitResult emcDefault = fit.fit(compiled, FitOptions.defaults().withMaxIter(300), (r, rs, i, o) -> true);
        GaussianMixtureModel mllibDefault = new GaussianMixture().setK(k).setSeed(1).run(vectors.rdd());
        System.out.printf("default starts: emc %.6f per row (%d iterations, converged %b), MLlib %.6f per row;"
            + " the generating parameters %.6f per row%n", emcDefault.logLikelihood() / n, emcDefault.iterations(),
            emcDefault.converged(), logLikelihood(fit, compiled, params(mllibDefault, d)) / n,
            logLikelihood(fit, compiled, truth(d, k, 3.0, 1.0, 1)) / n);
      }
    }
    rows.unpersist();
    vectors.unpersist();
    if (!all) {
      spark.stop();
      return;
    }

    // ---- 3: D = 100, K = 3, each coordinate's spread ~1000 (in units a density underflows in)
    int n3 = 20_000, d3 = 100, k3 = 3;
    Dataset<Row> wide = mixture(spark, n3, d3, k3, 1000.0, 100.0, 2).persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<Vector> wideVectors = vectors(wide).persist(StorageLevel.MEMORY_ONLY());
    Model wideGmm = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of("K", (double) k3));
    try (SparkFit fit = SparkFit.bind(wideGmm, wide, Optional.empty(), Optional.empty(), "wide", 2)) {
      Compiled compiled = fit.bound().compile();
      FitResult emc = fit.fit(compiled, FitOptions.defaults().withMaxIter(100), (r, rs, i, o) -> true);
      GaussianMixtureModel mllib = new GaussianMixture().setK(k3).setSeed(1).run(wideVectors.rdd());
      System.out.printf("D = 100, K = 3, %d rows: closest two components' means apart, relative to the"
          + " generating ones': emc %.3f, MLlib %.3g; weights emc %s, MLlib %s%n", n3,
          closest(emc.params().get("mu"), k3, d3) / closest(truth(d3, k3, 1000.0, 100.0, 2).get("mu"), k3, d3),
          closest(params(mllib, d3).get("mu"), k3, d3) / closest(truth(d3, k3, 1000.0, 100.0, 2).get("mu"), k3, d3),
          java.util.Arrays.toString(round(emc.params().get("phi"))), java.util.Arrays.toString(round(mllib.weights())));
    }
    spark.stop();
  }

  /** The generating parameters: means N(0, spread²) per coordinate, covariance sd² I, equal weights. */
  static Map<String, double[]> truth(int d, int k, double spread, double sd, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] mu = new double[k * d];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = spread * gaussian(rng);
    }
    double[] sigma = new double[k * d * d];
    for (int j = 0; j < k; j++) {
      for (int a = 0; a < d; a++) {
        sigma[j * d * d + a * d + a] = sd * sd;
      }
    }
    double[] phi = new double[k];
    java.util.Arrays.fill(phi, 1.0 / k);
    Map<String, double[]> p = new LinkedHashMap<>();
    p.put("phi", phi);
    p.put("mu", mu);
    p.put("Sigma", sigma);
    return p;
  }

  static Dataset<Row> mixture(SparkSession spark, int n, int d, int k, double spread, double sd, long seed) {
    double[] mu = truth(d, k, spread, sd, seed).get("mu");
    List<StructField> fields = new ArrayList<>();
    for (int c = 0; c < d; c++) {
      fields.add(DataTypes.createStructField("x" + (c + 1), DataTypes.DoubleType, false));
    }
    int parts = 2;
    JavaRDD<Row> rdd = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
        .parallelize(java.util.stream.IntStream.range(0, parts).boxed().toList(), parts)
        .flatMap(p -> {
          SplittableRandom rng = new SplittableRandom(seed * 1000 + p);
          int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
          List<Row> out = new ArrayList<>(to - from);
          for (int r = from; r < to; r++) {
            int z = rng.nextInt(k);
            Object[] x = new Object[d];
            for (int c = 0; c < d; c++) {
              x[c] = mu[z * d + c] + sd * gaussian(rng);
            }
            out.add(RowFactory.create(x));
          }
          return out.iterator();
        });
    return spark.createDataFrame(rdd, DataTypes.createStructType(fields));
  }

  static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble(), v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  static JavaRDD<Vector> vectors(Dataset<Row> rows) {
    return rows.javaRDD().map(r -> {
      double[] x = new double[r.size()];
      for (int c = 0; c < x.length; c++) {
        x[c] = r.getDouble(c);
      }
      return Vectors.dense(x);
    });
  }

  static GaussianMixture mllib(int k, int iterations, double tol, Map<String, double[]> start, int d) {
    double[] phi = start.get("phi");
    MultivariateGaussian[] g = new MultivariateGaussian[k];
    for (int j = 0; j < k; j++) {
      double[] mu = java.util.Arrays.copyOfRange(start.get("mu"), j * d, (j + 1) * d);
      double[] sigma = java.util.Arrays.copyOfRange(start.get("Sigma"), j * d * d, (j + 1) * d * d);
      g[j] = new MultivariateGaussian(Vectors.dense(mu), new DenseMatrix(d, d, sigma));
    }
    return new GaussianMixture().setK(k).setMaxIterations(iterations).setConvergenceTol(tol)
        .setInitialModel(new GaussianMixtureModel(phi, g));
  }

  /** MLlib's model as emc's parameters (its covariances are symmetric, so column-major is row-major). */
  static Map<String, double[]> params(GaussianMixtureModel m, int d) {
    int k = m.k();
    double[] mu = new double[k * d];
    double[] sigma = new double[k * d * d];
    for (int j = 0; j < k; j++) {
      System.arraycopy(m.gaussians()[j].mu().toArray(), 0, mu, j * d, d);
      System.arraycopy(m.gaussians()[j].sigma().toArray(), 0, sigma, j * d * d, d * d);
    }
    Map<String, double[]> p = new LinkedHashMap<>();
    p.put("phi", m.weights().clone());
    p.put("mu", mu);
    p.put("Sigma", sigma);
    return p;
  }

  /** The log-likelihood at {@code params} by emc's pass on Spark: a fit of no iterations from them. */
  static double logLikelihood(SparkFit fit, Compiled compiled, Map<String, double[]> params) throws Exception {
    return fit.fit(compiled, FitOptions.defaults().withReg(0).withMaxIter(0).withStart(params),
        (r, rs, i, o) -> true).logLikelihood();
  }

  static double closest(double[] mu, int k, int d) {
    double min = Double.POSITIVE_INFINITY;
    for (int a = 0; a < k; a++) {
      for (int b = a + 1; b < k; b++) {
        double s = 0;
        for (int c = 0; c < d; c++) {
          s += (mu[a * d + c] - mu[b * d + c]) * (mu[a * d + c] - mu[b * d + c]);
        }
        min = Math.min(min, Math.sqrt(s));
      }
    }
    return min;
  }

  static double[] round(double[] w) {
    double[] r = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      r[i] = Math.round(w[i] * 1000) / 1000.0;
    }
    return r;
  }
}
