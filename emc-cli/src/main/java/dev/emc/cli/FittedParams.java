package dev.emc.cli;

import dev.emc.api.FitJson;
import dev.emc.api.Model;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.runtime.data.DataException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** A fit's JSON to use (`emc predict`, `emc simulate`): its parameters, and the sizes they have. */
final class FittedParams {
  @Option(names = "--params", required = true, paramLabel = "FIT.json",
      description = "The fitted parameters, as emc fit --out writes them, with the model's sizes (--set overrides).")
  Path params;

  /**
   * The model, its sizes those of the fit (its sizes block, or its params' arrays) unless --set
   * gives others; its warnings go to {@code err}.
   */
  Model model(Main main, ModelInput input, PrintWriter err) throws DataException {
    Model given = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    Map<String, Double> settings = new LinkedHashMap<>(FitJson.readSizes(params, given));
    settings.putAll(input.settingValues());
    Model model = settings.equals(input.settingValues()) ? given
        : main.emc().parse(input.model.toString(), input.source().text(), settings);
    err.print(DiagnosticPrinter.render(model.warnings()));
    return model;
  }
}
