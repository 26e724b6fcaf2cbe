package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models a careless user or an attacker wrote, one per defect an outside probe found: each fits
 * exactly as the plain model does, and none runs code of its own. The reference is the plain
 * model's fit on the same data, in the same run.
 */
class HostileModelTest {
  private static final String FAITHFUL = "examples/data/faithful.csv";
  private static final String GMM = """
      model gmm;
      K = 2;
      z ~ Categorical(phi);
      x ~ Normal(mu[z], Sigma[z]);
      """;

  private static String fit(Path dir, String model, String data) throws Exception {
    Path file = dir.resolve("m" + Math.abs(model.hashCode()) + ".model");
    Files.writeString(file, model);
    Run r = CliTest.emc("fit", file.toString(), "--data", data);
    assertEquals(0, r.code(), model + "\n" + r.err());
    return r.out().lines().filter(l -> l.startsWith("log-likelihood")).findFirst().orElseThrow();
  }

  @Test
  void modelTextInACommentIsNeverCode(@TempDir Path dir) throws Exception {
    String reference = fit(dir, GMM, FAITHFUL);
    assertEquals("log-likelihood -1130.2640", reference);
    // javac reads the escapes of a line end and of a star and a slash before anything else.
    String hostile = "// \\u000a static { System.setProperty(\"emc.injected\", \"line\"); }\n"
        + GMM.replace("z ~ Categorical(phi);",
            "z ~ Categorical(phi); /* \\u002a\\u002f static { System.setProperty(\"emc.injected\", \"block\"); } */")
        .replace("x ~ Normal", "x /* between */ ~ // and\n Normal");
    assertEquals(reference, fit(dir, hostile, FAITHFUL));
    assertNull(System.getProperty("emc.injected"));
  }

  @Test
  void namesJavaUsesFitAsAnyOther(@TempDir Path dir) throws Exception {
    String reference = fit(dir, GMM, FAITHFUL);
    assertEquals(reference, fit(dir, GMM.replace("mu", "System").replace("Sigma", "Double").replace("phi", "Arrays"),
        FAITHFUL));
    assertEquals(reference, fit(dir, GMM.replace("mu", "class").replace("Sigma", "Math").replace("phi", "row"),
        FAITHFUL));
    // A bare CR ends each line.
    assertEquals(reference, fit(dir, GMM.replace("\n", "\r"), FAITHFUL));
  }

  /** Names distinct in the model stay distinct in Java: case variants, a trailing underscore. */
  @Test
  void namesThatDifferOnlyInCaseOrAnUnderscoreStayApart(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("two.csv");
    List<String> lines = Files.readAllLines(Path.of(FAITHFUL));
    lines.set(0, "x,X");
    Files.write(csv, lines);
    String reference = fit(dir, """
        K = 2;
        data a : real; data b : real;
        z ~ Categorical(phi);
        a ~ Normal(m[z], v[z]);
        b ~ Normal(n[z], w[z]);
        """.replace("data a : real; data b : real;", "data x : real; data X : real;")
        .replace("a ~", "x ~").replace("b ~", "X ~"), csv.toString());
    // The same model, the diagonal Gaussian mixture, written with colliding names.
    assertEquals(reference, fit(dir, """
        K = 2;
        data x : real; data X : real;
        z ~ Categorical(phi);
        x ~ Normal(mu_1[z], class[z]);
        X ~ Normal(mu_1_[z], class_[z]);
        """, csv.toString()));
    assertEquals(reference, fit(dir, """
        K = 2;
        data x : real; data X : real;
        z ~ Categorical(phi);
        x ~ Normal(mu[z], s[z]);
        X ~ Normal(MU[z], S[z]);
        """, csv.toString()));
  }

  /** A hang guard, not a speed test: the written-out pass is never built for a large K. */
  @Test
  void aLargeKCompilesWithoutBuildingTheWrittenOutPass() {
    Run r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CliTest.emc("compile", "examples/poisson.model", "--set", "K=50000"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("public static final int K = 50000;"), r.out().lines().limit(40).toList().toString());
  }
}
