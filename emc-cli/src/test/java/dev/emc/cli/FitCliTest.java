package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitCliTest {
  private static final String FAITHFUL = "examples/data/faithful.csv";

  private static Run emc(String... args) {
    return CliTest.emc(args);
  }

  /** emc-cli alone has no engine but memory: --engine spark says where the engine is, in one line. */
  @Test
  void anEngineNotOnTheClassPathIsOneLineAndExit2() {
    Run r = emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--engine", "spark");
    assertEquals(2, r.code());
    assertEquals("emc: error: --engine spark: no such engine on the class path; the spark engine is the emc-spark"
        + " module: build it (mvn -B install) and run bin/emc, which adds it for --engine spark, or spark-submit its"
        + " jar (see emc fit --help)", r.err().strip());
    Run master = emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--master", "local[2]");
    assertEquals(2, master.code());
    assertTrue(master.err().contains("--master is Spark's: give it with --engine spark"), master.err());
  }

  @Test
  void theReferenceFitPrintsItsSummaryAndWritesItsJson(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fit.json");
    Run r = emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("log-likelihood -1130.2640"), r.out());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertEquals(-1130.2640, json.get("logLikelihood").asDouble(), 1e-3);
    assertTrue(json.get("converged").asBoolean());
    assertEquals(2, json.get("params").get("mu").size());
    assertEquals(2, json.get("params").get("Sigma").get(0).get(1).size());
    for (String key : new String[] {"iterations", "bic", "aic"}) {
      assertTrue(json.has(key), key);
    }
    for (String key : new String[] {"compileSeconds", "loadSeconds", "fitSeconds", "secondsPerIteration"}) {
      assertTrue(json.get("timing").get(key).asDouble() >= 0, key);
    }
  }

  @Test
  void aModelCompiledBeforeComesFromTheCompileCacheUnlessTurnedOff() {
    // The first run compiles, or finds the class an earlier run left; the second finds it.
    Run first = emc("fit", "examples/gmm-spherical.model", "--data", FAITHFUL, "--set", "K=7", "--max-iter", "2");
    Run second = emc("fit", "examples/gmm-spherical.model", "--data", FAITHFUL, "--set", "K=7", "--max-iter", "2");
    Run off = emc("--no-cache", "fit", "examples/gmm-spherical.model", "--data", FAITHFUL, "--set", "K=7",
        "--max-iter", "2");
    assertEquals(0, first.code() + second.code() + off.code(), first.err() + second.err() + off.err());
    assertTrue(second.out().contains("(from the compile cache)"), second.out());
    assertFalse(off.out().contains("(from the compile cache)"), off.out());
    assertEquals(line(second.out(), "log-likelihood"), line(off.out(), "log-likelihood"));
  }

  private static String line(String text, String start) {
    return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
  }

  @Test
  void aFitThatStopsShortWarnsAndStrictExitsThree() {
    Run shortFit = emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--max-iter", "2");
    assertEquals(0, shortFit.code(), shortFit.err());
    assertTrue(shortFit.err().contains("warning: the fit stopped after 2 iterations without converging"),
        shortFit.err());
    assertEquals(3, emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--max-iter", "2", "--strict").code());
    // --tol 0 asks for exactly --max-iter iterations: no warning, and --strict has nothing to say.
    Run exact = emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--max-iter", "2", "--tol", "0", "--strict");
    assertEquals(0, exact.code(), exact.err());
    assertFalse(exact.err().contains("without converging"), exact.err());
    assertEquals(0, emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--strict", "-q").code());
  }

  @Test
  void outDashWritesTheJsonToStandardOutputAndTheSummaryToStandardError() throws Exception {
    Run r = emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--out", "-");
    assertEquals(0, r.code(), r.err());
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals(-1130.2640, json.get("logLikelihood").asDouble(), 1e-3);
    assertTrue(r.err().contains("log-likelihood -1130.2640"), r.err());
  }

  @Test
  void emcAloneListsEveryCommand() {
    Run r = emc();
    assertEquals(2, r.code());
    for (String command : new String[] {"check", "compile", "fit", "select", "predict", "simulate", "derive"}) {
      assertTrue(r.err().contains(command), command + " in " + r.err());
    }
  }

  @Test
  void weightsComeFromTheirColumn(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("weighted.csv");
    StringBuilder b = new StringBuilder();
    java.util.List<String> lines = Files.readAllLines(Path.of(FAITHFUL));
    b.append(lines.get(0)).append(",w\n");
    for (int i = 1; i < lines.size(); i++) {
      b.append(lines.get(i)).append(",2\n");
    }
    Files.writeString(csv, b);
    Run r = emc("fit", "examples/gmm.model", "--data", csv.toString(), "--weights", "w");
    assertEquals(0, r.code(), r.err());
    // Every row twice: the reference fit, with twice its log-likelihood.
    assertTrue(r.out().contains("272 rows × 2 columns (eruptions, waiting), weighted: total weight 544"), r.out());
    assertTrue(r.out().contains("log-likelihood -2260.5279"), r.out());
    Run missing = emc("fit", "examples/gmm.model", "--data", csv.toString(), "--weights", "weight");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--weights names weight, but the data have no such column"), missing.err());
    Run chain = emc("fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--weights", "seq");
    assertEquals(2, chain.code(), chain.err());
    assertTrue(chain.err().contains("a row's weight has no meaning"), chain.err());
  }

  @Test
  void predictLabelsTheRowsWithTheFittedParameters(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("fit.json");
    Path labels = dir.resolve("labels.csv");
    assertEquals(0, emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--out", fit.toString(), "-q").code());
    Run r = emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", FAITHFUL, "-o", labels.toString());
    assertEquals(0, r.code(), r.err());
    java.util.List<String> lines = Files.readAllLines(labels);
    assertEquals("r1,r2,component,uncertainty,logDensity", lines.get(0));
    assertEquals(273, lines.size());
    double ll = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      double r1 = Double.parseDouble(cells[0]);
      double r2 = Double.parseDouble(cells[1]);
      assertEquals(1.0, r1 + r2, 1e-15);
      assertEquals(r1 >= r2 ? "1" : "2", cells[2]);
      assertEquals(1 - Math.max(r1, r2), Double.parseDouble(cells[3]), 0.0, "uncertainty: 1 − max_k r_k");
      ll += Double.parseDouble(cells[4]);
    }
    assertEquals(new ObjectMapper().readTree(fit.toFile()).get("logLikelihood").asDouble(), ll, 1e-9);
    Run wrongK = emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", FAITHFUL, "--set", "K=3");
    assertEquals(2, wrongK.code());
    assertTrue(wrongK.err().contains("params.phi holds 2 numbers, but at the sizes K = 3, D = 2 model gmm's phi has 3"),
        wrongK.err());
  }

  @Test
  void simulateDrawsRowsThatFitReadsBack(@TempDir Path dir) throws Exception {
    Path fit = dir.resolve("fit.json");
    Path rows = dir.resolve("rows.csv");
    Path latents = dir.resolve("z.csv");
    assertEquals(0, emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--out", fit.toString(), "-q").code());
    Run r = emc("simulate", "examples/gmm.model", "--params", fit.toString(), "-n", "500", "--seed", "9",
        "-o", rows.toString(), "--latents", latents.toString());
    assertEquals(0, r.code(), r.err());
    java.util.List<String> lines = Files.readAllLines(rows);
    assertEquals("eruptions,waiting", lines.get(0));
    assertEquals(501, lines.size());
    assertEquals(501, Files.readAllLines(latents).size());
    assertEquals(Files.readString(rows), emc("simulate", "examples/gmm.model", "--params", fit.toString(), "-n", "500",
        "--seed", "9").out(), "the same seed draws the same rows");
    assertEquals(0, emc("fit", "examples/gmm.model", "--data", rows.toString(), "-q").code());

    Path hmm = dir.resolve("hmm.json");
    assertEquals(0, emc("fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--sequence", "seq",
        "--out", hmm.toString(), "-q").code());
    Run chain = emc("simulate", "examples/hmm.model", "--params", hmm.toString(), "-n", "10", "--sequences", "2");
    assertTrue(chain.out().startsWith("sequence,x\n1,"), chain.out());
    assertTrue(chain.out().contains("\n2,"), chain.out());

    Path regression = dir.resolve("regression.json");
    assertEquals(0, emc("fit", "examples/regression.model", "--data", "examples/data/regression.csv",
        "--out", regression.toString(), "-q").code());
    Run covariates = emc("simulate", "examples/regression.model", "--params", regression.toString(), "-n", "10");
    assertEquals(2, covariates.code());
    assertTrue(covariates.err().contains("has covariates: give the rows' values with --data CSV"), covariates.err());
    // With the covariates given, one row is drawn for each of their rows, which keeps them.
    Run atRows = emc("simulate", "examples/regression.model", "--params", regression.toString(), "--data",
        "examples/data/regression.csv", "--seed", "3");
    assertEquals(0, atRows.code(), atRows.err());
    java.util.List<String> given = Files.readAllLines(Path.of("examples/data/regression.csv"));
    java.util.List<String> drawn = atRows.out().lines().toList();
    assertEquals(given.size(), drawn.size());
    assertEquals("y,one,t", drawn.get(0));
    for (int n = 1; n < given.size(); n++) {
      String[] g = given.get(n).split(",");
      String[] d = drawn.get(n).split(",");
      assertEquals(Double.parseDouble(g[1]), Double.parseDouble(d[1]), 0, "line " + n);
      assertEquals(Double.parseDouble(g[2]), Double.parseDouble(d[2]), 0, "line " + n);
    }
    Run withN = emc("simulate", "examples/regression.model", "--params", regression.toString(), "--data",
        "examples/data/regression.csv", "-n", "5");
    assertEquals(2, withN.code());
    assertTrue(withN.err().contains("-n and --sequences do not go with it"), withN.err());
    Run noCovariates = emc("simulate", "examples/gmm.model", "--params", fit.toString(), "--data", FAITHFUL);
    assertEquals(2, noCovariates.code());
    assertTrue(noCovariates.err().contains("has no covariates to simulate at"), noCovariates.err());

    // A mixture of experts draws each row's component at its covariates; fit reads the rows back.
    Path experts = dir.resolve("experts.json");
    Path drawnExperts = dir.resolve("experts.csv");
    assertEquals(0, emc("fit", "examples/experts.model", "--data", "examples/data/experts.csv",
        "--out", experts.toString(), "-q").code());
    assertEquals(0, emc("simulate", "examples/experts.model", "--params", experts.toString(), "--data",
        "examples/data/experts.csv", "-o", drawnExperts.toString()).code());
    assertEquals(0, emc("fit", "examples/experts.model", "--data", drawnExperts.toString(), "-q").code());
    Path noT = dir.resolve("no-t.csv");
    Files.writeString(noT, "one,x\n1,2\n");
    Run missing = emc("simulate", "examples/regression.model", "--params", regression.toString(), "--data",
        noT.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains(noT.toString()), missing.err());
  }

  @Test
  void tolZeroRunsExactlyMaxIterIterations(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fit.json");
    assertEquals(0, emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--tol", "0", "--max-iter", "5",
        "--out", out.toString(), "-q").code());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertEquals(5, json.get("iterations").asInt());
    assertFalse(json.get("converged").asBoolean());
  }

  @Test
  void initReadsWhatOutWrote(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("first.json");
    Path second = dir.resolve("second.json");
    emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--tol", "1e-14", "--out", first.toString(), "-q");
    Run r = emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--tol", "1e-14", "--init", first.toString(),
        "--out", second.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    JsonNode a = new ObjectMapper().readTree(first.toFile());
    JsonNode b = new ObjectMapper().readTree(second.toFile());
    assertEquals(a.get("logLikelihood").asDouble(), b.get("logLikelihood").asDouble(), 1e-9);
    assertTrue(b.get("iterations").asInt() <= 2, "from its own optimum a fit stops at once");
  }

  @Test
  void setKThreeFitsThreeComponents() {
    Run r = emc("fit", "examples/gmm.model", "--data", FAITHFUL, "--set", "K=3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("3 components"), r.out());
    assertTrue(r.out().contains("mu[3]"), r.out());
  }

  @Test
  void theFactorAnalysisExampleFitsAndWritesItsLoadingsAsAMatrix(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fit.json");
    Run r = emc("fit", "examples/factor.model", "--data", "examples/data/wine.csv", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("model factor: 2 factors, 178 rows × 13 columns"), r.out());
    JsonNode fit = new ObjectMapper().readTree(out.toFile());
    // scikit-learn's FactorAnalysis maximum is −3477.04256 (FactorAnalysisTest); --reg's default moves it little.
    assertEquals(-3477.0426, fit.get("logLikelihood").asDouble(), 0.01);
    assertEquals(13, fit.get("params").get("W").size());
    assertEquals(2, fit.get("params").get("W").get(0).size());
  }

  @Test
  void compileWritesTheSourceWithTheDataWidth(@TempDir Path dir) throws Exception {
    Run r = emc("compile", "examples/gmm.model", "--data", FAITHFUL, "-o", dir.toString());
    assertEquals(0, r.code(), r.err());
    String source = Files.readString(dir.resolve("GmmModel.java"));
    assertTrue(source.contains("public static final int D = 2;"), source);
    assertTrue(source.contains("public final class GmmModel implements EmModel"));
  }

  @Test
  void deriveWritesEachFormat(@TempDir Path dir) throws Exception {
    for (String format : new String[] {"md", "tex", "html"}) {
      Path out = dir.resolve("gmm." + format);
      Run r = emc("derive", "examples/gmm.model", "--format", format, "-o", out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(Files.readString(out).contains("M-step"), format);
    }
    Run bad = emc("derive", "examples/gmm.model", "--format", "pdf");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--format is md, tex or html, not pdf"), bad.err());
  }

  @Test
  void compileWithoutTheDataWidthWritesAClassGenericInIt(@TempDir Path tmp) throws Exception {
    Run r = emc("compile", "examples/gmm.model");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("public GmmModel(final int D) {"), r.out());
    assertTrue(r.out().contains("public final int D;"), r.out());
    assertFalse(r.out().contains("public static final int D"), r.out());
    // Given the width, the class is specialized to it, as with --data.
    Run set = emc("compile", "examples/gmm.model", "--set", "D=3");
    assertEquals(0, set.code(), set.err());
    assertTrue(set.out().contains("public static final int D = 3;"), set.out());
    // The components' count is no size the class can be generic in: the model must give it.
    Path noK = tmp.resolve("nok.model");
    Files.writeString(noK, "model nok;\nz ~ Categorical(phi);\nx ~ Normal(mu[z], Sigma[z]);\n");
    Run open = emc("compile", noK.toString());
    assertEquals(2, open.code());
    assertTrue(open.err().contains("K (number of components) is not set"), open.err());
  }
}
