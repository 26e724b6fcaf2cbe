package dev.emc.cli;

import dev.emc.api.Model;
import dev.emc.runtime.data.DataException;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where the E-step passes run: the options `emc fit` and `emc select` share. */
final class EngineFlags {
  @Option(names = "--engine", paramLabel = "NAME", defaultValue = "memory", description = "Where the E-step passes"
      + " run: memory (this JVM) or spark (Spark jobs on --master, the rows read by Spark from CSV or Parquet;"
      + " needs the emc-spark module, which bin/emc adds) (default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--master", paramLabel = "URL", description = "With --engine spark: Spark's master, as"
      + " spark-submit takes it (default: spark-submit's, else local[*]).")
  String master;

  /** Whether the passes run on an engine other than this JVM's memory. */
  boolean on() {
    return !engine.equals("memory");
  }

  /**
   * Checks the flags: {@code inMemory} is the first flag given that needs the rows in this JVM
   * (null when none is), which an engine refuses.
   */
  void check(CommandSpec spec, String inMemory) {
    if (on()) {
      if (inMemory != null) {
        throw new ParameterException(spec.commandLine(), inMemory + " works on the rows in memory, not with --engine "
            + engine);
      }
    } else if (master != null) {
      throw new ParameterException(spec.commandLine(), "--master is Spark's: give it with --engine spark");
    }
  }

  /** The rows of --data, read by the engine and bound to {@code model}. */
  Engine.Rows read(Model model, DataFlags rows, CommandSpec spec) throws DataException {
    Engine e = Engine.named(engine).orElseThrow(() -> new ParameterException(spec.commandLine(), "--engine "
        + engine + ": no such engine on the class path; the spark engine is the emc-spark module: build it"
        + " (mvn -B install) and run bin/emc, which adds it for --engine spark, or spark-submit its jar"));
    // The data's name as given: a URL (hdfs://, s3a://) is not a path.
    String data = spec.findOption("--data").originalStringValues().get(0);
    return e.read(model, data, master, Optional.ofNullable(rows.columns), Optional.ofNullable(rows.sequence));
  }
}
