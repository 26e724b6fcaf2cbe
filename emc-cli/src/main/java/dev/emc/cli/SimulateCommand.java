package dev.emc.cli;

import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.FitJson;
import dev.emc.api.Model;
import dev.emc.api.Simulation;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.Params;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Draw rows from a model at fitted parameters, with each family's sampler: each row's latent"
        + " value first, then its data given that value. Writes CSV with the fitted data's column names, so that"
        + " `emc fit` reads it back."})
final class SimulateCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;
  @ParentCommand Main main;

  @Mixin FittedParams fitted;

  @Option(names = "-n", paramLabel = "N", description = "How many rows (with --data: that file's number of rows).")
  Integer rows;

  @Option(names = "--data", paramLabel = "CSV", description = "For a model with covariates (a regression, a mixture of"
      + " experts): the rows' covariates, read by the fit's column names; one row is drawn for each row here, and"
      + " keeps its covariates.")
  Path data;

  @Mixin ReadFlags read;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--sequences", paramLabel = "S", defaultValue = "1", description = "For a model whose latent is a"
      + " chain: split the rows into S sequences, each starting afresh, numbered in a first column `sequence`"
      + " (default: ${DEFAULT-VALUE}, no column).")
  int sequences;

  @Option(names = {"-o", "--out"}, paramLabel = "CSV",
      description = "Write the rows here, whole or not at all (default: standard output).")
  Path out;

  @Option(names = "--latents", paramLabel = "CSV",
      description = "Also write each row's latent value here: its component z (1..K), or its factors h1..hQ.")
  Path latents;

  @Override
  public Integer call() throws Exception {
    if (rows == null && data == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '-n=N'");
    }
    if (rows != null && rows < 1) {
      throw new ParameterException(spec.commandLine(), "-n must be at least 1, not " + rows);
    }
    if (data != null && (rows != null || sequences != 1)) {
      throw new ParameterException(spec.commandLine(), "--data gives the rows: one drawn for each of its rows,"
          + " so -n and --sequences do not go with it");
    }
    if (data == null && (sequences < 1 || sequences > rows)) {
      throw new ParameterException(spec.commandLine(), "--sequences must be between 1 and -n, not " + sequences);
    }
    FileRoles.of(main, input).reads("--params", fitted.params).reads("--data", data).writes("--out", out)
        .writes("--latents", latents).check();
    Model model = fitted.model(main, input, spec.commandLine().getErr());
    Bound bound = model.bind(Map.of());
    if (data != null && !bound.hasCovariates()) {
      throw new ParameterException(spec.commandLine(), "--data: model " + bound.name()
          + " has no covariates to simulate at; give the number of rows with -n");
    }
    if (data == null && bound.hasCovariates()) {
      throw new ParameterException(spec.commandLine(), "model " + bound.name() + " has covariates: give the rows'"
          + " values with --data CSV, and one row is drawn for each");
    }
    if (sequences > 1 && !bound.bySequence()) {
      throw new ParameterException(spec.commandLine(), "--sequences: model " + bound.name()
          + " has no latent chain, so its rows are independent");
    }
    FitJson.checkSizes(fitted.params, bound);
    Compiled compiled = bound.compile();
    Map<String, double[]> values = FitJson.readParams(fitted.params, compiled.newModel());
    Simulation s;
    try {
      compiled.model(values);
      List<String> names = FitJson.readColumns(fitted.params);
      s = data != null ? bound.simulate(values, read.read(data, spec), seed, names)
          : bound.simulate(values, rows, sequences, seed, names);
    } catch (IllegalArgumentException e) {
      throw new DataException(fitted.params.toString(), e.getMessage());
    }
    String csv = rows(s.data());
    if (latents != null) {
      FileRoles.write(latents, latents(s));
    }
    if (out == null) {
      spec.commandLine().getOut().print(csv);
    } else {
      FileRoles.write(out, csv);
    }
    return Main.OK;
  }

  private static String rows(DataMatrix data) {
    boolean numbered = data.sequences() != null;
    StringBuilder b = new StringBuilder(numbered ? "sequence," : "").append(String.join(",", data.names())).append('\n');
    int[] bounds = data.sequenceBounds();
    for (int n = 0, s = 0; n < data.rows(); n++) {
      if (n == bounds[s + 1]) {
        s++;
      }
      if (numbered) {
        b.append(s + 1).append(',');
      }
      for (int c = 0; c < data.columns(); c++) {
        b.append(c == 0 ? "" : ",").append(Params.format(data.values()[n * data.columns() + c]));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String latents(Simulation s) {
    StringBuilder b = new StringBuilder(String.join(",", s.latentNames())).append('\n');
    for (double[] v : s.latents()) {
      for (int i = 0; i < v.length; i++) {
        b.append(i == 0 ? "" : ",").append(Params.format(v[i]));
      }
      b.append('\n');
    }
    return b.toString();
  }
}
