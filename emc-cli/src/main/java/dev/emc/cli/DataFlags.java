package dev.emc.cli;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Model;
import dev.emc.runtime.data.DataException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The data to fit and how to read it: the options `emc fit` and `emc select` share. */
final class DataFlags {
  @Option(names = "--data", required = true, paramLabel = "CSV",
      description = "The data: a header row, then one row per observation; cells separated by commas, tabs or"
          + " semicolons; gzip read through; - for standard input.")
  Path data;

  @Mixin ReadFlags read;

  @Option(names = "--columns", split = ",", paramLabel = "NAME",
      description = "The columns of the model's one data variable (default: all, in order).")
  List<String> columns;

  @Option(names = "--sequence", paramLabel = "COL", description = "For a model whose latent is a chain (an HMM):"
      + " the column saying which sequence each row belongs to; a sequence's rows are consecutive, in order."
      + " That column is not the model's (default: all rows are one sequence).")
  String sequence;

  @Option(names = "--weights", paramLabel = "COL", description = "The column holding each row's weight (finite,"
      + " at least 0): a row's contribution to the statistics and the log-likelihood is multiplied by it, so"
      + " weight 3 counts as the row three times. That column is not the model's (default: every row weighs 1).")
  String weights;

  @Option(names = "--labels", paramLabel = "COL", description = "The column holding each row's known component,"
      + " 1..K, or an empty cell where it is not known (semi-supervised fitting): a labelled row belongs to its"
      + " component alone and adds log p(x, z = label) to the log-likelihood; the others are enumerated as usual."
      + " That column is not the model's (default: no row is labelled).")
  String labels;

  @Option(names = "--missing", paramLabel = "HOW", defaultValue = "reject", description = "What an empty cell"
      + " means: reject (an error at its line) or marginalize (integrate it out in the E-step: the conditional"
      + " Gaussian of a row's empty cells given its others; for data with a normal density, in memory)"
      + " (default: ${DEFAULT-VALUE}).")
  String missing;

  /** Whether empty cells are integrated out; checks --missing. */
  boolean marginalize(CommandSpec spec) {
    if (!missing.equals("reject") && !missing.equals("marginalize")) {
      throw new ParameterException(spec.commandLine(), "--missing is reject or marginalize, not " + missing);
    }
    return missing.equals("marginalize");
  }

  /** The first of these flags given that needs the rows in this JVM, or that only emc's reader takes; or null. */
  String inMemory(CommandSpec spec) {
    return weights != null ? "--weights" : labels != null ? "--labels" : marginalize(spec) ? "--missing marginalize"
        : read.delimiter != null ? "--delimiter" : read.na != null ? "--na" : null;
  }

  /** The file to read: --data, or standard input's copy for {@code -}. */
  Path file() throws DataException {
    return ReadFlags.file(data);
  }

  /** The model bound to the rows, streamed through a row cache at {@code cache}. */
  Bound bindStreamed(Model model, Path cache, CommandSpec spec) throws DataException, java.io.IOException {
    return model.bindStreamed(file(), ReadFlags.name(data), read.options(spec), java.util.Optional.ofNullable(columns),
        cache);
  }

  /** The model bound to the rows, read into memory. */
  Bound bind(Model model, CommandSpec spec) throws DataException {
    BindOptions options = BindOptions.defaults().withMarginalize(marginalize(spec));
    options = columns == null ? options : options.withColumns(columns);
    options = sequence == null ? options : options.withSequence(sequence);
    options = weights == null ? options : options.withWeights(weights);
    options = labels == null ? options : options.withLabels(labels);
    return model.bind(read.read(data, spec), options);
  }
}
