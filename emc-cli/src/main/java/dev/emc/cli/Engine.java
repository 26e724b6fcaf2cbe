package dev.emc.cli;

import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Model;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Fitter;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where `emc fit --engine NAME` runs a fit's E-step passes when not in this JVM's memory: an engine
 * found with {@link ServiceLoader} on the class path (emc-spark's "spark"), so that the command
 * line knows no engine at compile time.
 */
public interface Engine {
  /** What {@code --engine} calls it. */
  String name();

  /**
   * The rows of {@code data} (a CSV or Parquet file or directory, a path or a URL the engine reads),
   * where the engine keeps them.
   *
   * @param master where the engine runs (Spark's master URL), or null for its own default
   */
  Rows read(Model model, String data, String master, Optional<List<String>> columns, Optional<String> sequence)
      throws DataException;

  /** Rows an engine holds, bound to a model. */
  interface Rows extends AutoCloseable {
    /**
     * The model bound to a sample of the rows (all of them, when there are at most {@link
     * dev.emc.runtime.data.DataMatrix#START_SAMPLE}): its sizes, its columns, and the rows that
     * the summary, the order of the components and a plot are computed from.
     */
    Bound bound();

    FitResult fit(Compiled compiled, FitOptions options, Fitter.Monitor monitor) throws DataException, FitException;

    @Override
    void close();
  }

  /** The engine called {@code name}, or empty when none on the class path is. */
  static Optional<Engine> named(String name) {
    for (Engine e : ServiceLoader.load(Engine.class)) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
