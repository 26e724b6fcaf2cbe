package dev.emc.cli;

import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.FitJson;
import dev.emc.api.Model;
import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.runtime.DataException;
import dev.emc.runtime.FitOptions;
import dev.emc.runtime.FitResult;
import dev.emc.runtime.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Compile a model and fit it to a CSV file by EM.",
        "Convergence: the objective (the log-likelihood plus the regularization's penalty) rises by"
            + " at most --tol times its magnitude in one iteration; --tol 0 runs exactly --max-iter"
            + " iterations."})
final class FitCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;
  @picocli.CommandLine.ParentCommand Main main;

  @Option(names = "--data", required = true, paramLabel = "CSV",
      description = "The data: a header row, then one row per observation.")
  Path data;

  @Option(names = "--columns", split = ",", paramLabel = "NAME",
      description = "The columns of the model's one data variable (default: all, in order).")
  List<String> columns;

  @Option(names = "--tol", paramLabel = "T", defaultValue = "1e-10",
      description = "Relative convergence tolerance (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--max-iter", paramLabel = "N", defaultValue = "1000",
      description = "The most iterations per run (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--restarts", paramLabel = "N", defaultValue = "1",
      description = "Runs from different starts; the best wins (default: ${DEFAULT-VALUE}).")
  int restarts;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the starts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--init", paramLabel = "JSON",
      description = "Start from the params of this file (as --out writes it).")
  Path init;

  @Option(names = "--init-method", paramLabel = "M", defaultValue = "kmeans",
      description = "kmeans (k-means++ then Lloyd) or random responsibilities (default: ${DEFAULT-VALUE}).")
  String initMethod;

  @Option(names = "--reg", paramLabel = "R", defaultValue = "1e-6",
      description = "Covariance regularization: Ψ = R · diag(column variances); 0 turns it off"
          + " (default: ${DEFAULT-VALUE}).")
  double reg;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the E-step (default: all cores).")
  Integer threads;

  @Option(names = "--stream", description = "Keep the rows on disk, in a memory-mapped row cache, and read them"
      + " a slab at a time each iteration: for data larger than the heap. Chosen by itself for a file larger"
      + " than a quarter of the maximum heap.")
  boolean stream;

  @Option(names = "--sequence", paramLabel = "COL", description = "For a model whose latent is a chain (an HMM):"
      + " the column saying which sequence each row belongs to; a sequence's rows are consecutive, in order."
      + " That column is not the model's (default: all rows are one sequence).")
  String sequence;

  @Option(names = "--missing", paramLabel = "HOW", defaultValue = "reject", description = "What an empty cell"
      + " means: reject (an error at its line) or marginalize (integrate it out in the E-step: the conditional"
      + " Gaussian of a row's empty cells given its others; for data with a normal density, in memory)"
      + " (default: ${DEFAULT-VALUE}).")
  String missing;

  @Option(names = "--out", paramLabel = "JSON", description = "Write the fit as JSON.")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE", description = "Draw the fit, as PNG or SVG by FILE's extension"
      + " (.png, .svg): the data with the fitted components — a normal vector's first two columns coloured by"
      + " component, with each one's 1σ and 2σ ellipses and mean; or one column's histogram (bars of each value's"
      + " frequency for counts) with the fitted densities — beside the objective per iteration. Other models get"
      + " the objective alone.")
  Path plot;

  @Option(names = "--viterbi", paramLabel = "CSV", description = "For a model whose latent is a chain: write"
      + " each row's state on the most likely path (1..K), one per row, as CSV.")
  Path viterbi;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    Model model = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    err.print(DiagnosticPrinter.render(model.warnings()));
    boolean marginalize = missing.equals("marginalize");
    if (marginalize && stream) {
      throw new ParameterException(spec.commandLine(), "--missing marginalize needs the rows in memory, not --stream");
    }
    Bound bound = streamed() && sequence == null && !marginalize ? bindStreamed(model, err)
        : model.bind(Table.read(data), Optional.ofNullable(columns), Optional.ofNullable(sequence), marginalize);
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    try {
      return fit(bound, loadSeconds, err);
    } finally {
      if (bound.data().orElseThrow().cache() != null) {
        bound.data().orElseThrow().cache().close();
      }
    }
  }

  private boolean streamed() {
    try {
      return stream || Files.size(data) > Runtime.getRuntime().maxMemory() / 4;
    } catch (IOException e) {
      return false; // reading it says what is wrong
    }
  }

  private Bound bindStreamed(Model model, PrintWriter err) throws DataException {
    Path cache;
    try {
      cache = Files.createTempFile("emc-rows-", ".bin");
    } catch (IOException e) {
      throw new DataException(data.toString(), "cannot create a row cache to stream the data: " + e.getMessage());
    }
    err.println("emc: streaming " + data + ": its rows go to a row cache (" + cache
        + ") and each iteration reads them from there");
    err.flush();
    try {
      return model.bindStreamed(data, Optional.ofNullable(columns), cache);
    } catch (IOException e) {
      throw new DataException(data.toString(), "cannot write the row cache " + cache + ": " + e.getMessage());
    }
  }

  private Integer fit(Bound bound, double loadSeconds, PrintWriter err) throws Exception {
    long t1 = System.nanoTime();
    Compiled compiled = bound.compile();
    double compileSeconds = (System.nanoTime() - t1) / 1e9;
    FitOptions options = new FitOptions(tol, maxIter, restarts, seed,
        threads == null ? Runtime.getRuntime().availableProcessors() : threads, reg,
        initMethod.equals("random") ? FitOptions.Init.RANDOM : FitOptions.Init.KMEANS, Map.of());
    if (init != null) {
      options = options.withStart(FitJson.readParams(init, compiled.newModel()));
    }
    if (viterbi != null && compiled.newModel().chain() == null) {
      throw new ParameterException(spec.commandLine(), "--viterbi: model " + compiled.newModel().name()
          + " has no latent chain, so no path; its rows' components are independent");
    }
    FitResult fit = compiled.fit(options);
    if (out != null) {
      FitJson.write(FitJson.of(fit, new FitJson.Timing(compileSeconds, loadSeconds)), out);
    }
    if (viterbi != null) {
      StringBuilder csv = new StringBuilder("state\n");
      for (int state : fit.viterbi(bound.data().orElseThrow())) {
        csv.append(state).append('\n');
      }
      dev.emc.api.AtomicFiles.write(viterbi, csv.toString());
    }
    if (plot != null) {
      String note;
      try {
        note = FitPlot.write(fit, bound.data().orElseThrow(), plot);
      } catch (IOException e) {
        throw new DiagnosticException(Diagnostic.error("io", "cannot write " + plot + ": " + e.getMessage()));
      }
      if (note != null) {
        err.println("emc: " + note);
      }
    }
    for (String w : fit.warnings()) {
      err.println("emc: warning: " + w);
    }
    if (!quiet) {
      spec.commandLine().getOut().print(FitSummary.of(fit, bound.data().orElseThrow(), options,
          compileSeconds, loadSeconds));
    }
    return Main.OK;
  }

  private void validate() throws DataException {
    if (!(tol >= 0)) {
      throw new ParameterException(spec.commandLine(), "--tol must be 0 or more, not " + tol);
    }
    if (maxIter < 0) {
      throw new ParameterException(spec.commandLine(), "--max-iter must be 0 or more, not " + maxIter);
    }
    if (restarts < 1) {
      throw new ParameterException(spec.commandLine(), "--restarts must be at least 1, not " + restarts);
    }
    if (!(reg >= 0)) {
      throw new ParameterException(spec.commandLine(), "--reg must be 0 or more, not " + reg);
    }
    if (threads != null && threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, not " + threads);
    }
    if (!missing.equals("reject") && !missing.equals("marginalize")) {
      throw new ParameterException(spec.commandLine(), "--missing is reject or marginalize, not " + missing);
    }
    if (plot != null && FitPlot.format(plot) == null) {
      throw new ParameterException(spec.commandLine(), "--plot writes a .png or .svg file, not " + plot);
    }
    if (!initMethod.equals("kmeans") && !initMethod.equals("random")) {
      throw new ParameterException(spec.commandLine(), "--init-method is kmeans or random, not " + initMethod);
    }
  }
}
