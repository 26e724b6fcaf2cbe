package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.Classification;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fit's summary of its rows against R mclust's on the reference fit (Old Faithful, VVV, G = 2),
 * both run to the maximum: the clustering table, Σ_n z_nk, the uncertainty row by row, and
 * mclust's adjustedRandIndex (faithful_summary_mclust.R beside its JSON). mclust numbers its
 * components as emc's reference fit does (the long eruptions first), so there is nothing to match.
 */
class ClassificationReferenceTest {
  private static final Path REFERENCE = Path.of("emc-core/src/test/resources/reference/faithful_summary_mclust.json");

  @Test
  void theSummaryIsMclusts() throws Exception {
    JsonNode mclust = new ObjectMapper().readTree(REFERENCE.toFile());
    Bound bound = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of())
        .bind(Table.read(Fits.FAITHFUL), BindOptions.defaults());
    DataMatrix data = bound.data().orElseThrow();
    FitResult fit = bound.compile().fit(FitOptions.defaults().withReg(0).withTol(1e-15).withMaxIter(10_000));
    assertEquals(mclust.get("logLik").asDouble(), fit.logLikelihood(), 1e-8);

    Classification c = fit.classification(data);
    assertArrayEquals(ReferenceFitTest.flat(mclust.get("hardCounts")), c.hardCounts());
    assertClose(ReferenceFitTest.flat(mclust.get("posteriorSums")), c.posteriorSums(), 1e-8, "Σ_n r_nk");
    assertEquals(mclust.get("meanUncertainty").asDouble(), c.meanUncertainty(), 1e-6);
    assertEquals(mclust.get("maxUncertainty").asDouble(), c.maxUncertainty(), 1e-6);

    Prediction p = fit.predict(data);
    double[] uncertainty = ReferenceFitTest.flat(mclust.get("uncertainty"));
    double[] classification = ReferenceFitTest.flat(mclust.get("classification"));
    for (int n = 0; n < p.rows(); n++) {
      assertEquals(classification[n], p.component(n) + 1, "the component of row " + (n + 1));
      assertEquals(uncertainty[n], p.uncertainty(n), 1e-6, "the uncertainty of row " + (n + 1));
    }

    // emc's classification against mclust's with 3 components, as a table, then the index.
    double[] three = ReferenceFitTest.flat(mclust.get("classificationG3"));
    double[][] table = new double[2][3];
    for (int n = 0; n < p.rows(); n++) {
      table[p.component(n)][(int) three[n] - 1]++;
    }
    assertEquals(mclust.get("ariG2G3").asDouble(), Classification.adjustedRandIndex(table), 1e-12);
  }

  /** Small vectors written in the R script, their table, and mclust's adjustedRandIndex of them. */
  @Test
  void handMadePartitionsGiveMclustsIndex() throws Exception {
    for (JsonNode h : new ObjectMapper().readTree(REFERENCE.toFile()).get("handMade")) {
      double[] x = ReferenceFitTest.flat(h.get("x"));
      double[] y = ReferenceFitTest.flat(h.get("y"));
      double[][] table = new double[5][5];
      for (int i = 0; i < x.length; i++) {
        table[(int) x[i]][(int) y[i]]++;
      }
      assertEquals(h.get("ari").asDouble(), Classification.adjustedRandIndex(table), 1e-12, h.toString());
    }
  }
}
