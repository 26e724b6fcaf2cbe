package dev.emc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.FitJson;
import dev.emc.api.Model;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.fit.Bootstrap;
import dev.emc.runtime.fit.Information;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import dev.emc.runtime.fit.Relabelling;
import dev.emc.runtime.fit.Stepwise;
import dev.emc.runtime.data.ReadOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

  @Mixin DataFlags rows;
  @Mixin FitFlags how;

  @Option(names = "--init", paramLabel = "JSON",
      description = "Start from the params of this file (as --out writes it).")
  Path init;

  @Option(names = "--stream", description = "Keep the rows on disk, in a memory-mapped row cache, and read them"
      + " a slab at a time each iteration: for data larger than the heap. Chosen by itself when the rows, read"
      + " whole, would not fit in the free heap (estimated from the file's size and first lines).")
  boolean stream;

  @Option(names = "--out", paramLabel = "JSON", description = "Write the fit as JSON; `-` writes it to standard"
      + " output, and the summary to standard error.")
  Path out;

  @Option(names = "--strict", description = "Exit with code 3 when the fit stops before it converges.")
  boolean strict;

  @Option(names = "--plot", paramLabel = "FILE", description = "Draw the fit, as PNG or SVG by FILE's extension"
      + " (.png, .svg): the data with the fitted components — a normal vector's first two columns coloured by"
      + " component, with each one's 1σ and 2σ ellipses and mean; or one column's histogram (bars of each value's"
      + " frequency for counts) with the fitted densities — beside the objective per iteration. Other models get"
      + " the objective alone.")
  Path plot;

  @Option(names = "--report", paramLabel = "HTML", description = "Write one self-contained HTML page of the fit:"
      + " the model, the summary, the plots (as SVG), the objective per iteration and the derivation (MathML);"
      + " no script, and nothing from a network.")
  Path report;

  @Option(names = "--viterbi", paramLabel = "CSV", description = "For a model whose latent is a chain: write"
      + " each row's state on the most likely path (1..K), one per row, as CSV.")
  Path viterbi;

  @Option(names = "--order-by", paramLabel = "KEY", description = "Order the components: weight (the default:"
      + " the largest share of the rows first), a parameter with one number per component (lambda), or one number"
      + " of each component's value (mu[2], Sigma[1,2]; 1-based), the smallest first; none keeps EM's order. Repeated"
      + " fits and restarts then print comparable components. The JSON's order records it.")
  String orderBy;

  @Option(names = "--bootstrap", paramLabel = "B", description = "Standard errors and 95%% percentile intervals"
      + " from B bootstrap replicates, each refitted from the fit, on all cores; components matched to the fit's.")
  Integer bootstrap;

  @Option(names = "--bootstrap-kind", paramLabel = "KIND", defaultValue = "nonparametric", description = "How a"
      + " replicate's rows are drawn: nonparametric (N rows with replacement), weighted (N times Dirichlet(1, …, 1)"
      + " weights, the weighted likelihood bootstrap) or parametric (a new data set drawn from the fitted model:"
      + " as many rows, sequences of the same lengths, the same covariates) (default: ${DEFAULT-VALUE}).")
  String bootstrapKind;

  @Option(names = "--se", description = "Standard errors and 95%% intervals from the observed information (Louis'"
      + " identity over the complete-data scores the compiler writes; for an HMM, the forward recursion of the"
      + " log-likelihood's derivatives; for a factor model, its marginal Gaussian's, with W only up to a rotation;"
      + " with a prior, the posterior's normal (Laplace) approximation at the MAP),"
      + " printed after the summary; the JSON gets standardErrors and covariance.")
  boolean se;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
  boolean quiet;

  @Option(names = "--online", description = "Stepwise (online) EM: read the data once, --batch rows at a time,"
      + " never all in memory (--data - reads standard input until it ends); after each batch, the running"
      + " statistics s ← (1 − γ_t) s + γ_t ŝ(batch), γ_t = (t + t0)^−a, and the M-step from them. For mixtures"
      + " and regressions whose updates are functions of their statistics.")
  boolean online;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "1000",
      description = "With --online: rows per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--step-decay", paramLabel = "A", defaultValue = "1", description = "With --online: a in"
      + " γ_t = (t + t0)^−a, in (0.5, 1]; 1 (the default) averages every batch alike, smaller forgets old ones faster.")
  double stepDecay;

  @Option(names = "--step-offset", paramLabel = "T0", defaultValue = "0",
      description = "With --online: t0 ≥ 0 in γ_t = (t + t0)^−a (default: ${DEFAULT-VALUE}).")
  double stepOffset;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
      description = "With --online: rows to read before the first M-step (default: ${DEFAULT-VALUE}).")
  long warmup;

  /** The options a batch fit has and an online one cannot take. */
  private static final List<String> NOT_ONLINE = List.of("--stream", "--plot", "--viterbi", "--bootstrap",
      "--bootstrap-kind", "--order-by", "--weights", "--labels", "--sequence", "--missing", "--restarts", "--tol",
      "--max-iter", "--strict", "--threads", "--engine", "--master");

  /** The options only an online fit takes. */
  private static final List<String> ONLINE_ONLY = List.of("--batch", "--step-decay", "--step-offset", "--warmup");

  @Mixin EngineFlags where;

  @Override
  public Integer call() throws Exception {
    validate();
    FileRoles.of(main, input).reads("--data", where.on() ? null : rows.data).reads("--init", init)
        .writes("--out", toStdout() ? null : out).writes("--plot", plot).writes("--report", report)
        .writes("--viterbi", viterbi).check();
    PrintWriter err = spec.commandLine().getErr();
    // Ctrl-C is caught from here on: during the load and the compile it stops the fit at its first iteration.
    try (Progress progress = new Progress(err, !quiet && System.console() != null, how.maxIter)) {
      return online ? online(err, progress) : load(err, progress);
    }
  }

  private Integer load(PrintWriter err, Progress progress) throws Exception {
    long t0 = System.nanoTime();
    Model model = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    err.print(DiagnosticPrinter.render(model.warnings()));
    if (where.on()) {
      try (Engine.Rows held = where.read(model, rows, spec)) {
        return fit(model, held.bound(), held, (System.nanoTime() - t0) / 1e9, err, progress);
      }
    }
    boolean marginalize = rows.marginalize(spec);
    if (marginalize && stream) {
      throw new ParameterException(spec.commandLine(), "--missing marginalize needs the rows in memory, not --stream");
    }
    if (rows.weights != null && stream) {
      throw new ParameterException(spec.commandLine(), "--weights needs the rows in memory, not --stream");
    }
    if (rows.labels != null && stream) {
      throw new ParameterException(spec.commandLine(), "--labels needs the rows in memory, not --stream");
    }
    Bound bound = streamed() && rows.sequence == null && rows.weights == null && rows.labels == null && !marginalize
        ? bindStreamed(model, err) : rows.bind(model, spec);
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    try {
      return fit(model, bound, null, loadSeconds, err, progress);
    } finally {
      if (bound.data().orElseThrow().cache() != null) {
        bound.data().orElseThrow().cache().close();
      }
    }
  }

  private boolean streamed() throws DataException {
    return stream || !Memory.fitsInMemory(rows.file());
  }

  private Bound bindStreamed(Model model, PrintWriter err) throws DataException {
    Memory.checkStreamable(rows.file());
    Path cache;
    try {
      cache = dev.emc.runtime.data.RowCache.newFile();
    } catch (IOException e) {
      throw new DataException(rows.data.toString(), "cannot create a row cache to stream the data: " + e.getMessage());
    }
    err.println("emc: streaming " + rows.data + ": its rows go to a row cache (" + cache
        + ") and each iteration reads them from there");
    err.flush();
    try {
      return rows.bindStreamed(model, cache, spec);
    } catch (IOException e) {
      throw new DataException(rows.data.toString(), "cannot write the row cache " + cache + ": " + e.getMessage());
    }
  }

  /** @param held the rows an engine holds, which the fit's passes run over; null for the rows in memory */
  private Integer fit(Model model, Bound bound, Engine.Rows held, double loadSeconds, PrintWriter err,
      Progress progress) throws Exception {
    long t1 = System.nanoTime();
    Compiled compiled = bound.requireFittable().compile();
    double compileSeconds = (System.nanoTime() - t1) / 1e9;
    FitOptions options = how.options(spec, 1);
    if (init != null) {
      options = options.withStart(FitJson.readParams(init, compiled.newModel()));
    }
    if (viterbi != null && LatentPass.of(compiled.newModel()).noPath() != null) {
      throw new ParameterException(spec.commandLine(), "--viterbi: model " + compiled.newModel().name() + " "
          + LatentPass.of(compiled.newModel()).noPath());
    }
    if (se && bound.scoresUnavailable() != null) {
      throw new ParameterException(spec.commandLine(), "--se: " + bound.scoresUnavailable());
    }
    Relabelling.Order order = order(bound, compiled);
    FitResult fitted = held == null ? compiled.fit(bound.data().orElseThrow(), options, progress)
        : held.fit(compiled, options, progress);
    progress.clear();
    Relabelling.Ordered ordered = bound.relabelling().order(fitted, bound.data().orElseThrow(),
        progress.interrupted() ? Relabelling.Order.NONE : order, options.threads());
    FitResult fit = ordered.fit();
    Bootstrap.Result boot;
    try {
      boot = bootstrap == null || progress.interrupted() ? null
          : Bootstrap.run(compiled::newModel, fit, bound.data().orElseThrow(), options,
              Bootstrap.Kind.valueOf(bootstrapKind.toUpperCase(java.util.Locale.ROOT)), bootstrap, options.seed(),
              bound.relabelling(), options.threads(),
              seed -> bound.simulateLike(fit.params(), bound.data().orElseThrow(), seed));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--bootstrap: " + e.getMessage());
    }
    Information info = !se || progress.interrupted() ? null
        : Information.of(compiled.newModel(), fit.params(), bound.data().orElseThrow());
    if (out != null) {
      ObjectNode json = FitJson.of(fit, new FitJson.Timing(compileSeconds, loadSeconds), bound.sizes(),
          bound.data().orElseThrow().names());
      if (FitSummary.classifies(fit, bound.data().orElseThrow())) {
        FitJson.putClassification(json, fit.classification(bound.data().orElseThrow()), rows.labels);
      }
      FitJson.putOrder(json, ordered);
      if (boot != null) {
        FitJson.putBootstrap(json, fit, boot);
      }
      if (info != null) {
        InformationReport.write(json, fit, info);
      }
      writeJson(json);
    }
    if (progress.interrupted()) {
      err.println("emc: interrupted after " + fit.iterations() + " iterations"
          + (out != null && !toStdout() ? "; the best fit so far is in " + out
              : out != null ? "" : "; --out would have kept the best fit so far"));
      return Main.INTERRUPTED;
    }
    if (viterbi != null) {
      StringBuilder csv = new StringBuilder("state\n");
      for (int state : fit.viterbi(bound.data().orElseThrow())) {
        csv.append(state).append('\n');
      }
      FileRoles.write(viterbi, csv.toString());
    }
    if (plot != null) {
      String note = FileRoles.write(plot, () -> FitPlot.write(fit, bound.data().orElseThrow(), plot));
      if (note != null) {
        err.println("emc: " + note);
      }
    }
    if (report != null) {
      String html = HtmlReport.of(model, input.source().text(), input.model, input.settingValues(), rows.data, fit,
          bound.data().orElseThrow(), options, null);
      FileRoles.write(report, html);
    }
    for (String w : fit.warnings()) {
      err.println("emc: warning: " + w);
    }
    for (String w : info == null ? java.util.List.<String>of() : info.warnings()) {
      err.println("emc: warning: --se: " + w);
    }
    // --tol 0 asks for exactly --max-iter iterations: stopping there is what was asked.
    boolean unconverged = !fit.converged() && options.tol() > 0;
    if (unconverged) {
      err.println("emc: warning: the fit stopped after " + fit.iterations() + " iterations without converging"
          + " (tol " + options.tol() + "); the result is its last iteration: raise --max-iter, or loosen --tol");
    }
    if (!quiet) {
      // With the JSON on standard output, the summary goes to standard error.
      PrintWriter summary = toStdout() ? err : spec.commandLine().getOut();
      summary.print(FitSummary.of(fit, bound.data().orElseThrow(), options,
          compileSeconds, compiled.cached(), loadSeconds));
      if (boot != null) {
        summary.print(BootstrapReport.of(fit, boot));
      }
      if (info != null) {
        summary.print(InformationReport.of(fit, info));
      }
    }
    return unconverged && strict ? Main.NOT_CONVERGED : Main.OK;
  }

  /**
   * {@code --online}: one pass over the data, batch by batch. The log-likelihood reported is one
   * more pass over a file at the final parameters; standard input cannot be read again, so for it
   * (and for a pass Ctrl-C stopped) the running estimate.
   */
  private Integer online(PrintWriter err, Progress progress) throws Exception {
    long t0 = System.nanoTime();
    Model model = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    err.print(DiagnosticPrinter.render(model.warnings()));
    FitOptions options = how.options(spec, 1);
    Stepwise.Steps steps = steps();
    boolean stdin = rows.data.toString().equals(ReadFlags.STDIN);
    String name = ReadFlags.name(rows.data);
    ReadOptions read = rows.read.options(spec);
    OnlineRun run = new OnlineRun(model, Optional.ofNullable(rows.columns), steps, batch, progress);
    run.fit(stdin ? null : rows.data, ReadFlags.stdin, name, read,
        compiled -> init == null ? options : options.withStart(FitJson.readParams(init, compiled.newModel())));
    progress.clear();
    if (run.online == null || run.online.rows() == 0) {
      err.println("emc: interrupted before the first batch: there is no fit to write");
      return Main.INTERRUPTED;
    }
    String basis;
    double ll;
    if (stdin || run.stopped) {
      ll = run.online.runningLogLikelihood();
      basis = "running estimate: the rows times the γ-weighted mean of each batch's log-likelihood per row at the"
          + " parameters it met; " + (run.stopped ? "the pass was interrupted" : "standard input is read once");
    } else {
      ll = run.logLikelihood(rows.data, name, read);
      basis = "one more pass over the file at the final parameters";
    }
    FitResult fit = run.online.current(ll);
    double readSeconds = Math.max(0, (System.nanoTime() - t0) / 1e9 - run.compileSeconds - fit.fitSeconds());
    List<String> names = run.bound.data().orElseThrow().names();
    if (out != null) {
      ObjectNode json = FitJson.of(fit, new FitJson.Timing(run.compileSeconds, readSeconds), run.bound.sizes(), names);
      ObjectNode o = json.putObject("online");
      o.put("batches", run.online.batches());
      o.put("batchRows", batch);
      o.put("stepDecay", steps.decay());
      o.put("stepOffset", steps.offset());
      o.put("warmupRows", steps.warmup());
      o.put("logLikelihoodBasis", basis);
      o.put("prequentialLogLikelihood", run.online.prequentialLogLikelihood());
      o.put("rowsPerSecond", fit.rows() / fit.fitSeconds());
      writeJson(json);
    }
    for (String w : fit.warnings()) {
      err.println("emc: warning: " + w);
    }
    if (run.stopped) {
      err.println("emc: interrupted after " + fit.rows() + " rows"
          + (out != null && !toStdout() ? "; the fit so far is in " + out
              : out != null ? "" : "; --out would have kept the fit so far"));
      return Main.INTERRUPTED;
    }
    if (!quiet) {
      PrintWriter summary = toStdout() ? err : spec.commandLine().getOut();
      summary.print(FitSummary.online(fit, names, steps, batch, basis, run.compileSeconds, run.compiled.cached(),
          readSeconds));
    }
    return Main.OK;
  }

  /** The step-size rule of --online, checked. */
  private Stepwise.Steps steps() {
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1 row, not " + batch);
    }
    if (!(stepDecay > 0.5 && stepDecay <= 1)) {
      throw new ParameterException(spec.commandLine(), "--step-decay must be in (0.5, 1] (so that the steps γ_t add"
          + " up to infinity and their squares do not), not " + stepDecay);
    }
    if (!(stepOffset >= 0) || Double.isInfinite(stepOffset)) {
      throw new ParameterException(spec.commandLine(), "--step-offset must be a finite number, 0 or more, not " + stepOffset);
    }
    if (warmup < 0) {
      throw new ParameterException(spec.commandLine(), "--warmup must be 0 rows or more, not " + warmup);
    }
    return new Stepwise.Steps(stepDecay, stepOffset, warmup);
  }

  /** The fit's JSON to --out: standard output for {@code -}, else the file, whole or not at all. */
  private void writeJson(ObjectNode json) {
    if (toStdout()) {
      spec.commandLine().getOut().print(FitJson.text(json));
    } else {
      FileRoles.write(out, () -> {
        FitJson.write(json, out);
        return null;
      });
    }
  }

  /** {@code --out -}: the JSON goes to standard output. */
  private boolean toStdout() {
    return out != null && out.toString().equals("-");
  }

  /**
   * What to order the components by: --order-by, checked against the model; by default by weight
   * where the model has components it can rename, and as fitted where labels say which is which.
   */
  private Relabelling.Order order(Bound bound, Compiled compiled) {
    Relabelling.Order order = orderBy == null ? Relabelling.Order.WEIGHT : Relabelling.Order.parse(orderBy);
    if (rows.labels != null && !order.equals(Relabelling.Order.NONE)) {
      if (orderBy != null) {
        throw new ParameterException(spec.commandLine(), "--order-by: with --labels, component k is the one"
            + " labelled k, so the components keep their labels' order");
      }
      return Relabelling.Order.NONE;
    }
    String problem = bound.relabelling().problem(compiled.newModel(), order);
    if (problem != null) {
      if (orderBy != null) {
        throw new ParameterException(spec.commandLine(), "--order-by " + orderBy + ": " + problem);
      }
      return Relabelling.Order.NONE;
    }
    return order;
  }

  private void validate() {
    var parsed = spec.commandLine().getParseResult();
    for (String option : online ? NOT_ONLINE : ONLINE_ONLY) {
      if (parsed.hasMatchedOption(option)) {
        throw new ParameterException(spec.commandLine(), online ? option + " does not apply to --online, which reads"
            + " the rows once, batch by batch, and keeps none of them" : option + " needs --online");
      }
    }
    if (online) {
      steps();
    }
    if (bootstrap != null && bootstrap < 2) {
      throw new ParameterException(spec.commandLine(), "--bootstrap needs at least 2 replicates, not " + bootstrap);
    }
    if (!List.of("nonparametric", "weighted", "parametric").contains(bootstrapKind)) {
      throw new ParameterException(spec.commandLine(), "--bootstrap-kind is nonparametric, weighted or parametric,"
          + " not " + bootstrapKind);
    }
    if (bootstrap != null && bootstrapKind.equals("parametric") && rows.labels != null) {
      throw new ParameterException(spec.commandLine(), "--bootstrap-kind parametric draws new rows, which have no"
          + " labels: the replicates could not be fitted as the labelled fit was");
    }
    if (orderBy != null) {
      try {
        Relabelling.Order.parse(orderBy);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    how.options(spec, 1);
    rows.marginalize(spec);
    // What needs every row in this JVM, or reads the file itself.
    where.check(spec, stream ? "--stream" : rows.inMemory(spec) != null ? rows.inMemory(spec)
        : bootstrap != null ? "--bootstrap" : viterbi != null ? "--viterbi" : null);
    if (plot != null && FitPlot.format(plot) == null) {
      throw new ParameterException(spec.commandLine(), "--plot writes a .png or .svg file, not " + plot);
    }
  }
}
