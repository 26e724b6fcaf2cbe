package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameters handed to the Java API are checked by kind at the door, as the command line's files are. */
class GivenParamsTest {
  @Test
  void theApiRefusesParametersTheirKindsDoNotAllow() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of())
        .bind(Table.read(Fits.FAITHFUL), BindOptions.defaults());
    Compiled compiled = bound.compile();
    Map<String, double[]> params = Map.of("phi", new double[] {0.9, 0.9}, "mu", new double[] {4.3, 80, 2, 54.5},
        "Sigma", new double[] {0.17, 0.94, 0.94, 36, 0.07, 0.44, 0.44, 33.7});
    String simplex = "phi adds up to 1.8, but the probabilities of a simplex add up to 1";
    assertEquals(simplex, assertThrows(IllegalArgumentException.class, () -> compiled.model(params)).getMessage());
    // Before this check, the fit ran from it and stopped with "the objective decreased", as if emc had a bug.
    FitOptions start = FitOptions.defaults().withStart(params);
    assertEquals(simplex, assertThrows(IllegalArgumentException.class, () -> compiled.fit(start)).getMessage());
  }
}
