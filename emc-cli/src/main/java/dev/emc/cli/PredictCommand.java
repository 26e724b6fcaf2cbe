package dev.emc.cli;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.FitJson;
import dev.emc.api.Model;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.fit.Prediction;
import dev.emc.runtime.data.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Label the rows of a CSV file with a fitted model: for each row, its posterior over the"
        + " components (r1..rK), its most likely component (1..K), its uncertainty (1 − max_k r_k, as mclust's)"
        + " and its log-density, as CSV.",
        "For a model whose latent is a chain, the posterior is given all the rows of the row's sequence, and the"
            + " log-density is log p(x_t | the rows before it), so that a sequence's add up to its log-likelihood.",
        "For factor analysis, each row's factor scores E[h | x] (h1..hQ, named after the latent, as"
            + " scikit-learn's FactorAnalysis.transform gives them) and its log-density; their posterior"
            + " covariance, the same for every row, goes to --covariance. For a mixture of factor analysers,"
            + " r1..rK, the most likely component and its uncertainty first, the scores given that component,"
            + " and each component's covariance."})
final class PredictCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;
  @ParentCommand Main main;

  @Mixin FittedParams fitted;

  @Option(names = "--data", required = true, paramLabel = "CSV", description = "The rows to label.")
  Path data;

  @Mixin ReadFlags read;

  @Option(names = "--columns", split = ",", paramLabel = "NAME",
      description = "The columns of the model's one data variable, in the order of the fit's (default: the"
          + " columns the fit was made with, by name).")
  List<String> columns;

  @Option(names = "--sequence", paramLabel = "COL",
      description = "For a model whose latent is a chain: the column saying which sequence each row belongs to.")
  String sequence;

  @Option(names = "--missing", paramLabel = "HOW", defaultValue = "reject",
      description = "reject an empty cell, or marginalize it out (default: ${DEFAULT-VALUE}).")
  String missing;

  @Option(names = {"-o", "--out"}, paramLabel = "CSV", description = "Write here, whole or not at all (default: standard output).")
  Path out;

  @Option(names = "--covariance", paramLabel = "CSV",
      description = "For factor analysis: write the factors' posterior covariance Cov[h | x], Q×Q and the same for"
          + " every row, here as CSV.")
  Path covariance;

  @Override
  public Integer call() throws Exception {
    if (!missing.equals("reject") && !missing.equals("marginalize")) {
      throw new ParameterException(spec.commandLine(), "--missing is reject or marginalize, not " + missing);
    }
    FileRoles.of(main, input).reads("--data", data).reads("--params", fitted.params).writes("--out", out)
        .writes("--covariance", covariance).check();
    PrintWriter err = spec.commandLine().getErr();
    Model model = fitted.model(main, input, err);
    Table table = read.read(data, spec);
    List<String> names = FitJson.readColumns(fitted.params);
    BindOptions options = BindOptions.defaults().withMarginalize(missing.equals("marginalize"));
    options = sequence == null ? options : options.withSequence(sequence);
    if (columns != null) {
      options = options.withColumns(columns);
    } else if (!names.isEmpty()) {
      // The fit's columns by name, so that another order, or more columns, read the same.
      options = options.withFitted(names, fitted.params.toString());
    }
    Bound bound = model.bind(table, options);
    FitJson.checkSizes(fitted.params, bound);
    Compiled compiled = bound.compile();
    Prediction p;
    try {
      p = compiled.predict(FitJson.readParams(fitted.params, compiled.newModel()), bound.data().orElseThrow());
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof DataException rows) {
        throw rows; // the rows' own problem, at their line
      }
      throw new DataException(fitted.params.toString(), e.getMessage());
    }
    if (covariance != null && p.scores() == null) {
      throw new ParameterException(spec.commandLine(), "--covariance is for factor analysis, whose latent is a"
          + " vector; model " + compiled.newModel().name() + " has none");
    }
    String csv = p.scores() == null ? csv(p) : scores(p);
    if (covariance != null) {
      FileRoles.write(covariance, covariance(p.scores()));
    }
    if (out == null) {
      spec.commandLine().getOut().print(csv);
    } else {
      FileRoles.write(out, csv);
    }
    return Main.OK;
  }

  /**
   * h1..hQ, logDensity: one line per row, every number as Java prints it (exactly). A mixture of
   * factor analysers first gives r1..rK, the most likely component (whose scores h are) and its
   * uncertainty.
   */
  static String scores(Prediction p) {
    Prediction.Scores s = p.scores();
    boolean mixed = p.components() > 1;
    StringBuilder b = new StringBuilder();
    for (int j = 1; j <= p.components() && mixed; j++) {
      b.append('r').append(j).append(',');
    }
    b.append(mixed ? "component,uncertainty," : "").append(header(s)).append(",logDensity\n");
    for (int n = 0; n < p.rows(); n++) {
      if (mixed) {
        for (double r : p.responsibilities(n)) {
          b.append(r).append(',');
        }
        b.append(p.component(n) + 1).append(',').append(p.uncertainty(n)).append(',');
      }
      for (int a = 0; a < s.factors(); a++) {
        b.append(s.means()[n * s.factors() + a]).append(',');
      }
      b.append(p.logDensities()[n]).append('\n');
    }
    return b.toString();
  }

  /**
   * The Q×Q posterior covariance, under the scores' header; for a mixture of factor analysers each
   * component's, one after another, with the component in a first column.
   */
  static String covariance(Prediction.Scores s) {
    int q = s.factors();
    int blocks = s.covariance().length / (q * q);
    StringBuilder b = new StringBuilder(blocks > 1 ? "component," : "").append(header(s)).append('\n');
    for (int k = 0; k < blocks; k++) {
      for (int a = 0; a < q; a++) {
        b.append(blocks > 1 ? (k + 1) + "," : "");
        for (int c = 0; c < q; c++) {
          b.append(c == 0 ? "" : ",").append(s.covariance()[k * q * q + a * q + c]);
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  private static String header(Prediction.Scores s) {
    StringBuilder b = new StringBuilder();
    for (int a = 1; a <= s.factors(); a++) {
      b.append(a == 1 ? "" : ",").append(s.latent()).append(a);
    }
    return b.toString();
  }

  /**
   * r1..rK, component, uncertainty (1 − max_k r_nk), logDensity: one line per row, every number as
   * Java prints it (exactly).
   */
  static String csv(Prediction p) {
    int k = p.components();
    StringBuilder b = new StringBuilder();
    for (int j = 1; j <= k; j++) {
      b.append('r').append(j).append(',');
    }
    b.append("component,uncertainty,logDensity\n");
    for (int n = 0; n < p.rows(); n++) {
      for (double r : p.responsibilities(n)) {
        b.append(r).append(',');
      }
      b.append(p.component(n) + 1).append(',').append(p.uncertainty(n)).append(',').append(p.logDensities()[n])
          .append('\n');
    }
    return b.toString();
  }
}
