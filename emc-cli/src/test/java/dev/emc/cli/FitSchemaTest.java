package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emc.api.BindOptions;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/fit.schema.json describes what fit writes: fits of models of each latent structure, with
 * each optional part, from the command line and from the Java API, follow it; and it is strict
 * enough to catch a document that does not.
 */
class FitSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fits of each structure, each optional part written: CliTest.emc holds each file to the schema. */
  @Test
  void fitsOfEveryKindFollowTheSchema(@TempDir Path dir) throws Exception {
    List<List<String>> fits = List.of(
        List.of("examples/gmm.model", "--data", "examples/data/faithful.csv", "--bootstrap", "3"),
        List.of("examples/gmm.model", "--data", "examples/data/faithful-missing-labels.csv", "--labels", "label"),
        List.of("examples/hmm.model", "--data", "examples/data/hmm.csv", "--sequence", "seq", "--se", "--bootstrap", "3",
            "--bootstrap-kind", "parametric"),
        List.of("examples/factor.model", "--data", "examples/data/wine.csv", "--max-iter", "50", "--se"),
        List.of("examples/mfa.model", "--data", "examples/data/mfa.csv", "--max-iter", "20"),
        List.of("examples/poisson-regression.model", "--data", "examples/data/poisson-regression.csv"));
    int i = 0;
    for (List<String> fit : fits) {
      Path out = dir.resolve("fit" + i++ + ".json");
      List<String> args = new ArrayList<>(List.of("fit"));
      args.addAll(fit);
      args.addAll(List.of("--out", out.toString(), "-q"));
      CliTest.Run r = CliTest.emc(args.toArray(String[]::new));
      assertEquals(0, r.code(), fit + ": " + r.err());
      assertTrue(Files.exists(out), fit.toString());
      FitSchema.check(out);
    }
  }

  /** Compiled.save and emc fit --out write one document: the same keys, the CLI's own parts aside. */
  @Test
  void theApisSaveFollowsTheSchemaAndWritesWhatTheCommandDoes(@TempDir Path dir) throws Exception {
    Compiled compiled = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of())
        .bind(Table.read(Path.of("examples/data/faithful.csv")), BindOptions.defaults()).compile();
    Path saved = dir.resolve("saved.json");
    compiled.save(compiled.fit(FitOptions.defaults()), saved);
    FitSchema.check(saved);
    Path out = dir.resolve("out.json");
    assertEquals(0, CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--out",
        out.toString(), "-q").code());
    List<String> api = new ArrayList<>();
    JSON.readTree(saved.toFile()).fieldNames().forEachRemaining(api::add);
    List<String> cli = new ArrayList<>();
    JSON.readTree(out.toFile()).fieldNames().forEachRemaining(cli::add);
    cli.removeAll(List.of("classification", "order"));
    assertEquals(cli, api);
  }

  @Test
  void theSchemaRejectsWhatIsNotAFit(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fit.json");
    assertEquals(0, CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--out",
        out.toString(), "-q").code());
    String good = Files.readString(out);
    assertEquals(List.of(), FitSchema.errors(good));
    ObjectNode noOptions = (ObjectNode) JSON.readTree(good);
    noOptions.remove("options");
    assertError(noOptions, "options");
    ObjectNode wordParam = (ObjectNode) JSON.readTree(good);
    ((ObjectNode) wordParam.get("params")).put("phi", "half");
    assertError(wordParam, "phi");
    ObjectNode later = (ObjectNode) JSON.readTree(good);
    later.put("schemaVersion", 2);
    assertError(later, "schemaVersion");
    ObjectNode unknown = (ObjectNode) JSON.readTree(good);
    unknown.put("likelihood", 1.0);
    assertError(unknown, "likelihood");
    ObjectNode badSize = (ObjectNode) JSON.readTree(good);
    ((ObjectNode) badSize.get("sizes")).put("K", 0);
    assertError(badSize, "K");
  }

  private static void assertError(ObjectNode json, String about) {
    List<String> errors = FitSchema.errors(json.toString());
    assertFalse(errors.isEmpty(), "the schema takes a document with a wrong " + about);
    assertTrue(errors.stream().anyMatch(e -> e.contains(about)), errors.toString());
  }
}
