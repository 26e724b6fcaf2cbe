package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Partly labelled rows (semi-supervised fitting): a labelled row belongs to its component alone and
 * adds log p(x, z = label) to the objective; the other rows are enumerated as usual. Expected
 * numbers: R mclust's MclustSSC (faithful_mclustssc.R beside its JSON), and with every row
 * labelled the closed form, each component's proportion, mean and covariance of its own rows.
 */
class LabelsTest {
  private static final Path LABELLED = Path.of("examples/data/faithful-missing-labels.csv");

  private static Model gmm() throws Exception {
    return Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of());
  }

  private static FitResult fit(Table table, BindOptions bind, FitOptions options) throws Exception {
    return gmm().bind(table, bind).requireFittable().compile().fit(options);
  }

  /**
   * MclustSSC's log-likelihood counts a labelled row as log p(x, z = label) and an unlabelled one
   * as log p(x), as emc's objective does: like is compared with like. Components are in the
   * labels' order in both, so there is nothing to match.
   */
  @Test
  void theFitIsMclustsSemiSupervisedFit() throws Exception {
    JsonNode mclust = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/faithful_mclustssc.json").toFile());
    FitResult r = fit(Table.read(LABELLED), BindOptions.defaults().withLabels("label"),
        FitOptions.defaults().withReg(0).withTol(1e-15).withMaxIter(10_000));
    assertEquals(mclust.get("logLik").asDouble(), r.logLikelihood(), 1e-6);
    assertClose(ReferenceFitTest.flat(mclust.get("phi")), r.params().get("phi"), 1e-6, "phi");
    assertClose(ReferenceFitTest.flat(mclust.get("mu")), r.params().get("mu"), 1e-6, "mu");
    assertClose(ReferenceFitTest.flat(mclust.get("Sigma")), r.params().get("Sigma"), 1e-6, "Sigma");
    Fits.assertMonotone(r.trace());
  }

  /**
   * Labels numbered the other way round (component 1 the short eruptions) give the same fit with
   * its components swapped, from the mirrored start: the start numbers its k-means clusters after
   * the labels. (Numbered against them, the start mixes the two clusters and takes 25 iterations,
   * not 7.)
   */
  @Test
  void theLabelsNumberTheComponents() throws Exception {
    JsonNode mclust = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/faithful_mclustssc.json").toFile());
    Table t = Table.read(LABELLED);
    int[] swapped = new int[t.rows()];
    for (int r = 0; r < t.rows(); r++) {
      double label = t.get(r, 2);
      swapped[r] = Double.isNaN(label) ? 0 : 3 - (int) label;
    }
    Table relabelled = withLabels(new Table(t.source(), t.header().subList(0, 2), firstTwo(t), t.rows(), t.lines()),
        swapped);
    FitOptions once = FitOptions.defaults().withRestarts(1);
    FitResult r = fit(relabelled, BindOptions.defaults().withLabels("label"), once);
    FitResult asGiven = fit(t, BindOptions.defaults().withLabels("label"), once);
    assertEquals(asGiven.iterations(), r.iterations());
    assertEquals(asGiven.logLikelihood(), r.logLikelihood(), 1e-12 * Math.abs(r.logLikelihood()));
    assertEquals(mclust.get("logLik").asDouble(), r.logLikelihood(), 1e-6);
    double[] phi = ReferenceFitTest.flat(mclust.get("phi"));
    assertClose(new double[] {phi[1], phi[0]}, r.params().get("phi"), 1e-5, "phi");
  }

  private static double[] firstTwo(Table t) {
    double[] v = new double[t.rows() * 2];
    for (int r = 0; r < t.rows(); r++) {
      v[2 * r] = t.get(r, 0);
      v[2 * r + 1] = t.get(r, 1);
    }
    return v;
  }

  /** With every row labelled there is nothing to infer: the fit is the closed form, whatever the start. */
  @Test
  void everyRowLabelledIsTheClosedForm() throws Exception {
    Table faithful = Table.read(Fits.FAITHFUL);
    int n = faithful.rows();
    int[] labels = new int[n];
    for (int r = 0; r < n; r++) {
      labels[r] = faithful.get(r, 0) > 3 ? 1 : 2; // long eruptions first
    }
    for (FitOptions.Init init : new FitOptions.Init[] {FitOptions.Init.KMEANS, FitOptions.Init.RANDOM}) {
      FitResult fit = fit(withLabels(faithful, labels), BindOptions.defaults().withLabels("label"),
          FitOptions.defaults().withReg(0).withInit(init));
      double logLikelihood = 0;
      for (int k = 0; k < 2; k++) {
        double count = 0;
        double[] mean = new double[2];
        for (int r = 0; r < n; r++) {
          if (labels[r] == k + 1) {
            count++;
            mean[0] += faithful.get(r, 0);
            mean[1] += faithful.get(r, 1);
          }
        }
        mean[0] /= count;
        mean[1] /= count;
        double[] cov = new double[4];
        for (int r = 0; r < n; r++) {
          if (labels[r] == k + 1) {
            double a = faithful.get(r, 0) - mean[0];
            double b = faithful.get(r, 1) - mean[1];
            cov[0] += a * a / count;
            cov[1] += a * b / count;
            cov[3] += b * b / count;
          }
        }
        cov[2] = cov[1];
        String what = init + " component " + (k + 1);
        assertEquals(count / n, fit.params().get("phi")[k], 1e-12, what + " phi");
        assertClose(mean, java.util.Arrays.copyOfRange(fit.params().get("mu"), 2 * k, 2 * k + 2), 1e-12, what + " mu");
        assertClose(cov, java.util.Arrays.copyOfRange(fit.params().get("Sigma"), 4 * k, 4 * k + 4), 1e-10,
            what + " Sigma");
        // Each row's log p(x, z = label) at the closed form: the complete-data log-likelihood.
        double det = cov[0] * cov[3] - cov[1] * cov[1];
        for (int r = 0; r < n; r++) {
          if (labels[r] == k + 1) {
            double a = faithful.get(r, 0) - mean[0];
            double b = faithful.get(r, 1) - mean[1];
            double quad = (cov[3] * a * a - 2 * cov[1] * a * b + cov[0] * b * b) / det;
            logLikelihood += Math.log(count / n) - Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quad;
          }
        }
      }
      assertEquals(logLikelihood, fit.logLikelihood(), 1e-9 * Math.abs(logLikelihood), init + " log-likelihood");
    }
  }

  /** A label column with every cell empty labels nothing: the fit is the plain one. */
  @Test
  void noLabelGivenIsThePlainFit() throws Exception {
    Table faithful = Table.read(Fits.FAITHFUL);
    int[] none = new int[faithful.rows()];
    FitOptions o = FitOptions.defaults().withTol(1e-12);
    FitResult labelled = fit(withLabels(faithful, none), BindOptions.defaults().withLabels("label"), o);
    FitResult plain = fit(faithful, BindOptions.defaults(), o);
    assertEquals(plain.iterations(), labelled.iterations());
    assertEquals(plain.logLikelihood(), labelled.logLikelihood(), 1e-10 * Math.abs(plain.logLikelihood()));
    for (String p : plain.params().keySet()) {
      assertClose(plain.params().get(p), labelled.params().get(p), 1e-8, p);
    }
  }

  /** Weights and labels together: a labelled row of weight w is w copies of it, each labelled. */
  @Test
  void weightedLabelledRowsFitAsRepeatedLabelledRows() throws Exception {
    Table labelled = Table.read(LABELLED);
    List<String> header = new ArrayList<>(labelled.header());
    header.add("w");
    int n = labelled.rows();
    double[] weighted = new double[n * 4];
    List<double[]> repeated = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int copies = r % 3; // 0 drops the row
      for (int c = 0; c < 3; c++) {
        weighted[r * 4 + c] = labelled.get(r, c);
      }
      weighted[r * 4 + 3] = copies;
      for (int i = 0; i < copies; i++) {
        repeated.add(new double[] {labelled.get(r, 0), labelled.get(r, 1), labelled.get(r, 2)});
      }
    }
    double[] flat = new double[repeated.size() * 3];
    for (int r = 0; r < repeated.size(); r++) {
      System.arraycopy(repeated.get(r), 0, flat, r * 3, 3);
    }
    Table w = new Table("weighted.csv", header, weighted, n, new int[n]);
    Table copies = new Table("repeated.csv", labelled.header(), flat, repeated.size(), new int[repeated.size()]);
    BindOptions labels = BindOptions.defaults().withLabels("label");
    FitOptions some = FitOptions.defaults().withMaxIter(2).withTol(0);
    Map<String, double[]> start = fit(copies, labels, some).params();
    FitOptions steps = FitOptions.defaults().withStart(start).withMaxIter(20).withTol(0);
    FitResult a = fit(w, labels.withWeights("w"), steps);
    FitResult b = fit(copies, labels, steps);
    double[] aTrace = a.trace().stream().mapToDouble(Double::doubleValue).toArray();
    double[] bTrace = b.trace().stream().mapToDouble(Double::doubleValue).toArray();
    assertClose(bTrace, aTrace, 1e-11, "objective per iteration");
    for (String p : b.params().keySet()) {
      assertClose(b.params().get(p), a.params().get(p), 1e-8, p);
    }
  }

  /** The table with a column "label": {@code labels[r]}, 0 for an empty cell. */
  private static Table withLabels(Table t, int[] labels) {
    List<String> header = new ArrayList<>(t.header());
    header.add("label");
    int c = t.columns();
    double[] values = new double[t.rows() * (c + 1)];
    for (int r = 0; r < t.rows(); r++) {
      for (int j = 0; j < c; j++) {
        values[r * (c + 1) + j] = t.get(r, j);
      }
      values[r * (c + 1) + c] = labels[r] == 0 ? Double.NaN : labels[r];
    }
    return new Table(t.source(), header, values, t.rows(), t.lines());
  }
}
