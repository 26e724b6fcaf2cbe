package dev.emc.examples;

import dev.emc.api.BindOptions;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Fits a model to a CSV file, predicts, saves the fit and loads it back: emc as a library. */
public final class Consumer {
  public static void main(String[] args) throws Exception {
    Path modelFile = Path.of(args[0]);
    Path csv = Path.of(args[1]);
    Path out = Path.of(args[2]);

    Model model = Emc.builtIn().load(modelFile, Map.of());
    Table table = Table.read(csv);
    Compiled compiled = model.bind(table, BindOptions.defaults()).compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withSeed(1));
    System.out.printf("logLikelihood %.4f after %d iterations%n", fit.logLikelihood(), fit.iterations());
    System.out.println("weights " + Arrays.toString(fit.weights()));
    for (int k = 0; k < fit.model().components(); k++) {
      System.out.println("mean " + k + " " + Arrays.toString(fit.mean(k)));
    }

    // New rows, in the model's columns: each one's posterior and most likely component.
    double[][] rows = {{1.8, 54}, {4.5, 80}};
    Prediction p = fit.predict(rows);
    for (int n = 0; n < rows.length; n++) {
      System.out.println("row " + n + " component " + p.component(n) + " r " + Arrays.toString(p.responsibilities(n)));
    }
    System.out.printf("score %.6f%n", fit.score(rows));

    compiled.save(fit, out);
    FitResult loaded = model.loadFit(out);
    System.out.println("saved " + out + "; loaded back the same: "
        + (loaded.score(rows) == fit.score(rows) && Arrays.equals(loaded.weights(), fit.weights())));
  }
}
