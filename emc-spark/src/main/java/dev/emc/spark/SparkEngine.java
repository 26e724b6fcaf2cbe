package dev.emc.spark;

import dev.emc.api.Model;
import dev.emc.cli.Engine;
import dev.emc.runtime.data.DataException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code emc fit --engine spark}: the rows read by Spark, from a CSV file (a header row; gzip read
 * through) or Parquet (a file or directory whose name ends in .parquet, or a directory), and the
 * fit's passes run as Spark jobs ({@link SparkFit}). The session is the one spark-submit set up,
 * or else a local one on {@code --master} (default local[*]).
 */
public final class SparkEngine implements Engine {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Rows read(Model model, String data, String master, Optional<List<String>> columns,
      Optional<String> sequence) throws DataException {
    SparkSession.Builder builder = SparkSession.builder().appName("emc fit " + model.className());
    if (master != null) {
      builder.master(master);
    } else if (System.getProperty("spark.master") == null) {
      builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    Dataset<Row> rows;
    try {
      rows = parquet(data) ? spark.read().parquet(data)
          : spark.read().option("header", true).option("inferSchema", true).csv(data);
    } catch (Exception e) {
      // Scala throws checked exceptions undeclared: a path Spark cannot read is an AnalysisException.
      if (e instanceof org.apache.spark.sql.AnalysisException a) {
        throw new DataException(data, "Spark cannot read it: " + a.getSimpleMessage());
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    return SparkFit.bind(model, rows, columns, sequence, data, 0);
  }

  /** Parquet by its name (.parquet), or a directory (which is what Spark writes); else CSV. */
  private static boolean parquet(String data) {
    if (data.endsWith(".parquet") || data.endsWith(".parquet/")) {
      return true;
    }
    try {
      return java.nio.file.Files.isDirectory(Path.of(data));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }
}
