package dev.emc.spark;

import dev.emc.runtime.data.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** One local[2] Spark session for every test class of the module (one JVM runs them all). */
final class LocalSpark {
  private LocalSpark() {}

  private static SparkSession session;

  static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSession.builder().appName("emc-spark tests").master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** A numeric table's rows as a Dataset of doubles, in order, without a job to read or infer them. */
  static Dataset<Row> dataset(Table table) {
    List<StructField> fields = new ArrayList<>();
    for (String name : table.header()) {
      fields.add(DataTypes.createStructField(name, DataTypes.DoubleType, true));
    }
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < table.rows(); r++) {
      Object[] cells = new Object[table.columns()];
      for (int c = 0; c < cells.length; c++) {
        cells[c] = table.get(r, c);
      }
      rows.add(RowFactory.create(cells));
    }
    return get().createDataFrame(rows, DataTypes.createStructType(fields));
  }
}
