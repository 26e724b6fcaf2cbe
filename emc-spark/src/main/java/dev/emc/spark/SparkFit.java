package dev.emc.spark;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Model;
import dev.emc.cli.Engine;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.SettingInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Fitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A model fitted by EM to the rows of a Spark {@link Dataset}, where they are: the driver runs the
 * in-memory fit's own loop ({@link Fitter}: starts, M-steps, step halving, convergence, restarts)
 * and each of its E-step passes is a Spark job. Per iteration the parameters are broadcast; each
 * partition, packed once into a {@code double[]} block ({@link Block}) and cached, runs the
 * generated {@link EmModel#accumulate} over its rows; {@code treeAggregate} gathers the blocks'
 * statistics keyed by partition, and the driver adds them in partition order, so a result does not
 * depend on which executor ran what, nor on the partitioning beyond rounding.
 *
 * <p>The start, the checks and the regularization come from a sample of at most {@link
 * DataMatrix#START_SAMPLE} rows spread evenly over the data (every ⌈N / 2²⁰⌉-th row; for a latent
 * chain, the first rows, whose sequences must then be consecutive as in a file), collected to the
 * driver: the in-memory fit's streamed sample. With at most 2²⁰ rows it is all of them, and the fit
 * is the in-memory fit but for the order of additions.
 *
 * <p>For a latent chain (an HMM), the rows are repartitioned by the sequence column and sorted
 * within each partition by sequence and by their order in the data, so every sequence lies whole
 * in one partition.
 */
public final class SparkFit implements Engine.Rows {
  /** The column that keeps the rows' order through a repartition by sequence. */
  private static final String ORDER = "__emc_order";

  private final String source;
  private final Bound bound;
  private final int rows;
  private final JavaRDD<Block> blocks;

  private SparkFit(String source, Bound bound, int rows, JavaRDD<Block> blocks) {
    this.source = source;
    this.bound = bound;
    this.rows = rows;
    this.blocks = blocks;
  }

  /**
   * Fits {@code model} to {@code data}, by its columns {@code columns} for the model's one data
   * variable (empty: the binder's rules, as in memory: scalar variables by name, a vector the rest
   * of the numeric columns).
   */
  public static FitResult fit(Model model, Dataset<Row> data, Optional<List<String>> columns, FitOptions options)
      throws DataException, FitException {
    try (SparkFit rows = bind(model, data, columns, Optional.empty(), "data", 0)) {
      return rows.fit(options);
    }
  }

  /**
   * {@code model} bound to the rows of {@code data}, packed into cached blocks.
   *
   * @param sequence for a model whose latent is a chain: the column saying which sequence a row
   *     belongs to (not the model's)
   * @param source what messages call the data
   * @param partitions how many partitions the blocks are spread over for independent rows; 0 keeps
   *     the data's, or the context's default parallelism when that is more
   */
  public static SparkFit bind(Model model, Dataset<Row> data, Optional<List<String>> columns,
      Optional<String> sequence, String source, int partitions) throws DataException {
    if (sequence.isPresent() && !Arrays.asList(data.columns()).contains(sequence.get())) {
      throw new DataException(source, "--sequence names " + sequence.get() + ", but the data have no such column"
          + " (they have " + String.join(", ", data.columns()) + ")");
    }
    for (String c : columns.orElse(List.of())) {
      if (!Arrays.asList(data.columns()).contains(c)) {
        throw new DataException(source, "--columns names " + c + ", but the data have no such column (they have "
            + String.join(", ", data.columns()) + ")");
      }
    }
    List<String> numeric = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      boolean number = f.dataType() instanceof NumericType || f.dataType() instanceof BooleanType;
      if (!f.name().equals(sequence.orElse(null)) && (number || columns.orElse(List.of()).contains(f.name()))) {
        numeric.add(f.name());
      }
    }
    List<Column> typed = new ArrayList<>();
    for (String c : numeric) {
      typed.add(functions.col(quote(c)).cast("double").as(c));
    }
    sequence.ifPresent(s -> typed.add(functions.col(quote(s)).cast("string").as(s)));
    Dataset<Row> table = data.select(typed.toArray(Column[]::new));

    Bound bound = model.bind(sample(table, numeric, sequence, source), bindOptions(columns, sequence));
    List<String> layout = bound.data().orElseThrow().names();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    int parallelism = partitions > 0 ? partitions : Math.max(jsc.defaultParallelism(), table.rdd().getNumPartitions());
    JavaRDD<Block> blocks = sequence.isPresent()
        ? chains(table, layout, sequence.get(), parallelism)
        : independent(table, layout, partitions > 0 || table.rdd().getNumPartitions() < parallelism ? parallelism : 0);
    blocks = blocks.persist(StorageLevel.MEMORY_AND_DISK());
    long n = blocks.map(Block::rows).fold(0, Integer::sum);
    if (n > Integer.MAX_VALUE) {
      blocks.unpersist(false);
      throw new DataException(source, "the data have " + n + " rows; emc fits at most " + Integer.MAX_VALUE);
    }
    return new SparkFit(source, bound, (int) n, blocks);
  }

  private static BindOptions bindOptions(Optional<List<String>> columns, Optional<String> sequence) {
    BindOptions o = BindOptions.defaults();
    o = columns.isPresent() ? o.withColumns(columns.get()) : o;
    return sequence.isPresent() ? o.withSequence(sequence.get()) : o;
  }

  /** A column name as Spark's col() reads it: backquoted, for names with dots or spaces. */
  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * At most {@link DataMatrix#START_SAMPLE} rows, in the data's order, as a table: every ⌈N / 2²⁰⌉-th
   * row, or for sequences the first rows, a sequence given as the number of its first appearance.
   */
  private static Table sample(Dataset<Row> table, List<String> numeric, Optional<String> sequence, String source)
      throws DataException {
    long n = table.count();
    long step = sequence.isPresent() ? 1 : Math.max(1, (n + DataMatrix.START_SAMPLE - 1) / DataMatrix.START_SAMPLE);
    long limit = DataMatrix.START_SAMPLE;
    List<Row> picked = table.javaRDD().zipWithIndex()
        .filter(t -> t._2() % step == 0 && t._2() / step < limit)
        .map(Tuple2::_1).collect();
    int width = numeric.size() + (sequence.isPresent() ? 1 : 0);
    double[] values = new double[picked.size() * width];
    Map<String, Integer> ids = new HashMap<>();
    for (int r = 0; r < picked.size(); r++) {
      Row row = picked.get(r);
      for (int c = 0; c < numeric.size(); c++) {
        values[r * width + c] = row.isNullAt(c) ? Double.NaN : row.getDouble(c);
      }
      if (sequence.isPresent()) {
        if (row.isNullAt(numeric.size())) {
          throw new DataException(source, "row " + (r * step + 1) + " has no " + sequence.get()
              + ": every row of a chain's data belongs to a sequence");
        }
        values[r * width + numeric.size()] = ids.computeIfAbsent(row.getString(numeric.size()), k -> ids.size());
      }
    }
    List<String> header = new ArrayList<>(numeric);
    sequence.ifPresent(header::add);
    return new Table(source, header, values, picked.size(), new int[picked.size()]);
  }

  /** Independent rows: each partition one block, spread over {@code partitions} first unless 0. */
  private static JavaRDD<Block> independent(Dataset<Row> table, List<String> layout, int partitions) {
    Dataset<Row> rows = table.select(layout.stream().map(c -> functions.col(quote(c))).toArray(Column[]::new));
    if (partitions > 0) {
      rows = rows.repartition(partitions);
    }
    int width = layout.size();
    return rows.javaRDD().mapPartitionsWithIndex((p, it) -> List.of(pack(p, it, width, -1)).iterator(), true);
  }

  /**
   * Rows of sequences: repartitioned by the sequence, sorted within partitions by it and by the
   * rows' order in the data, so that each sequence is whole and in order in one block.
   */
  private static JavaRDD<Block> chains(Dataset<Row> table, List<String> layout, String sequence, int partitions) {
    List<Column> picked = new ArrayList<>();
    picked.add(functions.col(quote(sequence)));
    layout.forEach(c -> picked.add(functions.col(quote(c))));
    Dataset<Row> rows = table.withColumn(ORDER, functions.monotonically_increasing_id())
        .repartition(partitions, functions.col(quote(sequence)))
        .sortWithinPartitions(functions.col(quote(sequence)), functions.col(ORDER))
        .select(picked.toArray(Column[]::new));
    int width = layout.size();
    return rows.javaRDD().mapPartitionsWithIndex((p, it) -> List.of(pack(p, it, width, 0)).iterator(), true);
  }

  /**
   * A partition's rows as one block; {@code sequenceAt} is the column holding the sequence (then
   * the model's columns follow it), or −1.
   */
  private static Block pack(int partition, java.util.Iterator<Row> it, int width, int sequenceAt) {
    int first = sequenceAt < 0 ? 0 : 1;
    double[] values = new double[1024 * width];
    List<Integer> starts = new ArrayList<>();
    String last = null;
    int n = 0;
    while (it.hasNext()) {
      Row row = it.next();
      if ((n + 1) * width > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, (n + 1) * width));
      }
      for (int c = 0; c < width; c++) {
        values[n * width + c] = row.isNullAt(first + c) ? Double.NaN : row.getDouble(first + c);
      }
      if (sequenceAt >= 0) {
        String id = row.isNullAt(sequenceAt) ? null : row.getString(sequenceAt);
        if (n == 0 || !java.util.Objects.equals(id, last)) {
          starts.add(n);
        }
        last = id;
      }
      n++;
    }
    int[] bounds = null;
    if (sequenceAt >= 0) {
      starts.add(n);
      bounds = starts.stream().mapToInt(Integer::intValue).toArray();
    }
    return new Block(partition, Arrays.copyOf(values, n * width), n, bounds);
  }

  /** The model bound to the sample: its sizes and columns, and the rows the start is computed from. */
  @Override
  public Bound bound() {
    return bound;
  }

  /** How many rows the blocks hold. */
  public int rows() {
    return rows;
  }

  /** Compiles the model and fits it. */
  public FitResult fit(FitOptions options) throws DataException, FitException {
    return fit(bound.requireFittable().compile(), options, (run, runs, iteration, objective) -> true);
  }

  @Override
  public FitResult fit(Compiled compiled, FitOptions options, Fitter.Monitor monitor)
      throws DataException, FitException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    ship(jsc, compiled);
    Broadcast<ModelCode> code = jsc.broadcast(new ModelCode(compiled.className(), compiled.classFiles()));
    try {
      check(jsc, code);
      DataMatrix sample = bound.data().orElseThrow();
      try (Fitter fitter = new Fitter(1)) {
        return fitter.monitor(monitor).fit(compiled::newModel, sample, rows, m -> statistics(jsc, code, m), options);
      }
    } finally {
      code.destroy();
    }
  }

  /**
   * The plugins' jars the generated class calls into, added to the context once each: the
   * executors fetch them into the class loader their tasks run under, which {@link ModelCode}
   * defines the class below. (A folder of classes, as a plugin's own tests give a family, cannot
   * be shipped: it must be on the executors' class path already, as in a local session.)
   */
  private static void ship(JavaSparkContext jsc, Compiled compiled) {
    java.util.Set<String> shipped = new java.util.HashSet<>();
    for (String url : scala.jdk.javaapi.CollectionConverters.asJava(jsc.sc().listJars())) {
      shipped.add(url.substring(url.lastIndexOf('/') + 1));
    }
    for (java.nio.file.Path jar : compiled.classPath()) {
      if (java.nio.file.Files.isRegularFile(jar) && !shipped.contains(jar.getFileName().toString())) {
        jsc.addJar(jar.toAbsolutePath().toString());
      }
    }
  }

  /** Every row has a number in every cell, of a value the model's families take. */
  private void check(JavaSparkContext jsc, Broadcast<ModelCode> code) throws DataException {
    List<String> names = bound.data().orElseThrow().names();
    String where = source;
    List<String> problems = blocks.map(b -> {
      for (int i = 0; i < b.values().length; i++) {
        if (Double.isNaN(b.values()[i])) {
          return where + ": partition " + b.partition() + ", row " + (i / names.size() + 1) + ": column "
              + names.get(i % names.size()) + " is empty or not a number (a fit on Spark takes complete numeric rows)";
        }
      }
      return b.problem(code.value(), Map.of(), where);
    }).filter(java.util.Objects::nonNull).take(1);
    if (!problems.isEmpty()) {
      throw new DataException(source, problems.get(0).substring(source.length() + 2));
    }
  }

  /**
   * One E-step pass: the parameters and settings of {@code m} broadcast, each block's statistics
   * computed where it is, gathered by partition and added in partition order.
   */
  private double[] statistics(JavaSparkContext jsc, Broadcast<ModelCode> code, EmModel m) {
    Map<String, double[]> state = new LinkedHashMap<>();
    for (ParamInfo p : m.params()) {
      state.put(p.name(), m.param(p.name()).clone());
    }
    for (SettingInfo s : m.settings()) {
      state.put(Block.SETTING + s.name(), m.setting(s.name()).clone());
    }
    Broadcast<Map<String, double[]>> values = jsc.broadcast(state);
    try {
      TreeMap<Integer, double[]> parts = blocks
          .map(b -> new Tuple2<>(b.partition(), b.statistics(code.value(), values.value())))
          .treeAggregate(new TreeMap<Integer, double[]>(), (acc, t) -> {
            acc.put(t._1(), t._2());
            return acc;
          }, (a, b) -> {
            a.putAll(b);
            return a;
          });
      double[] total = new double[m.statisticsLength()];
      for (double[] p : parts.values()) {
        for (int i = 0; i < total.length; i++) {
          total[i] += p[i];
        }
      }
      return total;
    } finally {
      values.destroy();
    }
  }

  /** Lets the cached blocks go. */
  @Override
  public void close() {
    blocks.unpersist(false);
  }
}
