package dev.emc.cli;

import dev.emc.api.Emc;
import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.Source;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every command that reads a model shares: the file and {@code --set}. */
final class ModelInput {
  @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (.model).")
  Path model;

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Give a constant or size a value, overriding the model's: --set K=3.")
  Map<String, String> settings = new LinkedHashMap<>();

  Source source() {
    return Emc.read(model);
  }

  Map<String, Double> settingValues() {
    return values(settings);
  }

  /** NAME=VALUE pairs as numbers, or one message for the first that is not one. */
  static Map<String, Double> values(Map<String, String> settings) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      try {
        double v = Double.parseDouble(e.getValue().strip());
        if (!Double.isFinite(v)) {
          throw new NumberFormatException();
        }
        values.put(e.getKey().strip(), v);
      } catch (NumberFormatException x) {
        throw new DiagnosticException(Diagnostic.error("setting",
            "--set " + e.getKey() + "=" + e.getValue() + ": the value must be a number"));
      }
    }
    return values;
  }
}
