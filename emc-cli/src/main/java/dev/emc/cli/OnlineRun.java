package dev.emc.cli;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Model;
import dev.emc.api.OnlineFit;
import dev.emc.runtime.data.Binder;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.ReadOptions;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.Stepwise;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code emc fit --online}: the data read once, a slab at a time, cut into batches of B rows
 * (across slabs), each an update of an {@link OnlineFit}; the rows are never all in memory. The
 * first slab binds the model (its sizes and columns) and compiles it; each later slab is checked
 * in the same columns. Standard input is read as it arrives, by the general reader; a file by the
 * fast one, which may give up part way and start the file again, and the fit with it.
 */
final class OnlineRun {
  /** Rows per slab read: the batches are cut from these. */
  static final int SLAB = 1 << 16;

  /** Thrown out of the reader when Ctrl-C asks the fit to stop. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** A fit that cannot go on: thrown through the reader, which passes on DataException and IOException only. */
  private static final class Failed extends RuntimeException {
    final FitException fit;

    Failed(FitException fit) {
      super(fit);
      this.fit = fit;
    }
  }

  /** The fit's options for the compiled model: with --init, its parameters, read once the model is compiled. */
  interface Start {
    FitOptions of(Compiled compiled) throws DataException;
  }

  private final Model model;
  private final Optional<List<String>> columns;
  private final Stepwise.Steps steps;
  private final int batch;
  private final Progress progress;

  Bound bound;
  Compiled compiled;
  OnlineFit online;
  double compileSeconds;
  boolean stopped;
  private Binder.Binding binding;
  private double[] buffer;
  private int[] lines;
  private int filled;

  OnlineRun(Model model, Optional<List<String>> columns, Stepwise.Steps steps, int batch, Progress progress) {
    this.model = model;
    this.columns = columns;
    this.steps = steps;
    this.batch = batch;
    this.progress = progress;
  }

  /**
   * Reads {@code file} (null: {@code stdin}) once, updating the fit batch by batch.
   *
   */
  void fit(Path file, java.io.InputStream stdin, String name, ReadOptions read, Start start)
      throws DataException, FitException {
    Table.Slabs sink = new Table.Slabs() {
      @Override
      public void accept(Table slab) throws DataException {
        if (progress.interrupted()) {
          throw new Stopped();
        }
        DataMatrix rows;
        if (binding == null) {
          binding = Binder.bind(model.specs(), slab, columns);
          long t0 = System.nanoTime();
          bound = model.bind(slab, columns.map(BindOptions.defaults()::withColumns).orElse(BindOptions.defaults()));
          compiled = bound.compile();
          compileSeconds = (System.nanoTime() - t0) / 1e9;
          rows = bound.data().orElseThrow();
          try {
            online = compiled.online(start.of(compiled), steps);
            // The start sees the whole first slab (up to 64Ki rows), not only the first batch.
            online.start(rows);
          } catch (FitException e) {
            throw new Failed(e);
          }
          buffer = new double[batch * compiled.newModel().columns()];
          lines = new int[batch];
        } else {
          Binder.Binding b = Binder.rebind(model.specs(), slab, binding);
          for (Map.Entry<String, Integer> c : b.categories().entrySet()) {
            if (c.getValue() > binding.categories().get(c.getKey())) {
              throw new DataException(slab.source(), c.getKey() + " has the value " + c.getValue() + ", beyond the "
                  + binding.categories().get(c.getKey()) + " categories of the first " + SLAB + " rows, which sized the"
                  + " model; give the number of categories with --set");
            }
          }
          rows = Binder.select(slab, model.specs(), b);
        }
        add(rows);
      }

      @Override
      public void restart() {
        // The fast reader gave up part way: the file is read again from its first row, and fitted anew.
        binding = null;
        online = null;
        filled = 0;
      }
    };
    try {
      if (file == null) {
        Table.stream(stdin, name, read, SLAB, sink);
      } else {
        Table.stream(file, name, read, SLAB, sink);
      }
      flush();
    } catch (Stopped s) {
      stopped = true;
    } catch (Failed f) {
      throw f.fit;
    }
  }

  /** The rows of a slab into the batch buffer, an update each time it fills. */
  private void add(DataMatrix rows) throws DataException {
    int width = rows.columns();
    for (int n = 0; n < rows.rows(); n++) {
      System.arraycopy(rows.values(), n * width, buffer, filled * width, width);
      lines[filled] = rows.lines() == null ? 0 : rows.lines()[n];
      if (++filled == batch) {
        flush();
      }
    }
  }

  private void flush() throws DataException {
    if (filled == 0 || online == null) {
      return;
    }
    int width = buffer.length / batch;
    DataMatrix rows = new DataMatrix(bound.data().orElseThrow().source(), bound.data().orElseThrow().names(),
        java.util.Arrays.copyOf(buffer, filled * width), filled, width, java.util.Arrays.copyOf(lines, filled));
    filled = 0;
    try {
      online.update(rows);
    } catch (FitException e) {
      throw new Failed(e);
    }
    if (!progress.batch(online.batches(), online.rows(), online.runningLogLikelihood() / online.rows())) {
      throw new Stopped();
    }
  }

  /** Σ_n log p(x_n) over {@code file} at the fit's parameters: one more pass, a slab at a time. */
  double logLikelihood(Path file, String name, ReadOptions read) throws DataException {
    double[] sum = {0};
    Table.stream(file, name, read, SLAB, new Table.Slabs() {
      @Override
      public void accept(Table slab) throws DataException {
        sum[0] += online.logLikelihood(Binder.select(slab, model.specs(), Binder.rebind(model.specs(), slab, binding)));
      }

      @Override
      public void restart() {
        sum[0] = 0;
      }
    });
    return sum[0];
  }
}
