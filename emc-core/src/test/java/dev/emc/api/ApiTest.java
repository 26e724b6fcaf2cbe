package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emc.diag.DiagnosticException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Params;
import dev.emc.runtime.data.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java API as a user calls it: a model file, rows in memory, parameters and posteriors out. */
class ApiTest {
  @Test
  void fitRowsInMemoryAndReadEverythingBack() throws Exception {
    Table t = Table.read(Fits.FAITHFUL);
    double[][] rows = new double[t.rows()][];
    for (int n = 0; n < t.rows(); n++) {
      rows[n] = new double[] {t.get(n, 0), t.get(n, 1)};
    }
    Model model = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of());
    FitResult fit = model.fit(rows, FitOptions.defaults().withTol(1e-14));
    // The published optimum (mclust 6.0, VVV): −1130.26396.
    assertEquals(-1130.26396, fit.logLikelihood(), 1e-5);
    double[][] mu = (double[][]) Params.nested(fit.model().params().get(1), fit.params().get("mu"));
    assertEquals(2, mu.length);
    double[][][] sigma = (double[][][]) Params.nested(fit.model().params().get(2), fit.params().get("Sigma"));
    assertEquals(sigma[0][0][1], sigma[0][1][0]);
    double[][] r = fit.responsibilities(DataMatrix.of(rows, List.of("eruptions", "waiting")));
    for (double[] row : r) {
      assertEquals(1.0, row[0] + row[1], 1e-12);
    }
    // N_k / N is φ_k at the optimum: the responsibilities are the E-step's.
    double n0 = 0;
    for (double[] row : r) {
      n0 += row[0];
    }
    assertEquals(fit.params().get("phi")[0], n0 / rows.length, 1e-7);
  }

  @Test
  void aBadModelIsADiagnosticException() {
    DiagnosticException e = assertThrows(DiagnosticException.class,
        () -> Emc.builtIn().parse("m.model", "z ~ Categorical(phi);\nx ~ Normall(mu[z], S[z]);", Map.of()));
    assertEquals("m.model:2:5: error: unknown distribution family Normall; did you mean Normal?\n"
        + "    x ~ Normall(mu[z], S[z]);\n        ^^^^^^^", e.getMessage());
  }
}
