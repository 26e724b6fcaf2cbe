package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class CliTest {
  record Run(int code, String out, String err) {}

  /**
   * Runs emc in this JVM. A fit's JSON that a run wrote ({@code --out FILE}, or {@code --out -}) is
   * held to docs/fit.schema.json here, so every one the tests write is.
   */
  static Run emc(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    Run run = new Run(code, out.toString(), err.toString());
    int at = List.of(args).indexOf("--out");
    if (args.length > 0 && args[0].equals("fit") && at >= 0 && at + 1 < args.length
        && (code == Main.OK || code == Main.NOT_CONVERGED || code == Main.INTERRUPTED)) {
      if (args[at + 1].equals("-")) {
        FitSchema.check(run.out(), "emc fit --out -");
      } else if (Files.exists(Path.of(args[at + 1]))) {
        FitSchema.check(Path.of(args[at + 1]));
      }
    }
    return run;
  }

  @Test
  void checkOfTheReferenceModelSucceedsWithASummary() {
    Run r = emc("check", "examples/gmm.model");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Sigma  parameter  cov[D] for each z"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void thePoissonRegressionsNewtonStepIsNamedDerivedAndMarkedStepped() {
    Run check = emc("check", "examples/poisson-regression.model");
    assertEquals(0, check.code(), check.err());
    assertTrue(check.out().contains("Newton (IRLS) step, shortened while the objective falls (generalized EM)"),
        check.out());
    Run derive = emc("derive", "examples/poisson-regression.model");
    assertTrue(derive.out().contains("a short enough step along it raises Q"), derive.out());
    assertTrue(derive.out().contains("is a step toward the maximum of its terms of Q"), derive.out());
    // The generated model tells the fit driver which parameter's step it may halve; others say nothing.
    String source = emc("compile", "examples/poisson-regression.model", "--set", "P=3").out();
    assertTrue(source.contains("new ParamInfo(\"beta\", ParamInfo.Constraint.REAL, K, new int[] {P}, /* stepped"),
        source);
    assertFalse(emc("compile", "examples/logistic-mixture.model", "--set", "P=2").out().contains("stepped"));
  }

  @Test
  void aBadModelExitsTwoWithLocationAndCaret(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("bad.model");
    Files.writeString(model, "K = 2;\nz ~ Categorical(phi);\nx ~ Normall(mu[z], Sigma[z]);\n");
    Run r = emc("check", model.toString());
    assertEquals(2, r.code());
    assertEquals(model + ":3:5: error: unknown distribution family Normall; did you mean Normal?\n"
        + "    x ~ Normall(mu[z], Sigma[z]);\n"
        + "        ^^^^^^^\n", r.err());
    assertFalse(r.err().contains("Exception"));
  }

  @Test
  void aMissingFileIsOneLineAndExitTwo() {
    Run r = emc("check", "no/such.model");
    assertEquals(2, r.code());
    assertEquals("emc: error: cannot read no/such.model: no such file\n", r.err());
  }

  @Test
  void setOverridesAndBadSettingsAreReported() {
    assertTrue(emc("check", "examples/gmm.model", "--set", "K=3").out().contains("K      size       3"));
    Run bad = emc("check", "examples/gmm.model", "--set", "K=three");
    assertEquals(2, bad.code());
    assertEquals("emc: error: --set K=three: the value must be a number\n", bad.err());
  }

  @Test
  void versionAndHelp() {
    assertTrue(emc("--version").out().startsWith("emc "));
    Run help = emc("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("check"));
  }

  /**
   * picocli formats each line of help as a format string: a lone % ("95% intervals") makes it print
   * a warning on the JVM's stderr and show the line raw. So every line as written, in the commands'
   * and their options' annotations, must format.
   */
  @Test
  void everyLineOfHelpIsAFormatStringThatFormats() {
    CommandLine cli = new CommandLine(new Main());
    Main.COMMANDS.forEach(cli::addSubcommand);
    List<CommandSpec> specs = new ArrayList<>(List.of(cli.getCommandSpec()));
    cli.getSubcommands().values().forEach(c -> specs.add(c.getCommandSpec()));
    int lines = 0;
    for (CommandSpec spec : specs) {
      List<String> text = new ArrayList<>();
      Command command = spec.userObject().getClass().getAnnotation(Command.class);
      if (command != null) {
        text.addAll(List.of(command.description()));
        text.addAll(List.of(command.header()));
        text.addAll(List.of(command.footer()));
      }
      for (ArgSpec arg : spec.args()) {
        if (arg.userObject() instanceof AnnotatedElement e) {
          Option option = e.getAnnotation(Option.class);
          Parameters parameters = e.getAnnotation(Parameters.class);
          text.addAll(List.of(option != null ? option.description()
              : parameters != null ? parameters.description() : new String[0]));
        }
      }
      for (String line : text) {
        lines++;
        try {
          String.format(Locale.ROOT, line);
        } catch (IllegalFormatException ex) {
          throw new AssertionError("emc " + spec.name() + ": " + ex + " in: " + line);
        }
      }
    }
    assertTrue(lines > 60, "the lines of help seen: " + lines);
  }

  @Test
  void theUsageListsEveryCommandThoughACommandLineGetsOnlyTheOneItNames() {
    String usage = emc("--help").out();
    for (String name : List.of("check", "compile", "fit", "select", "predict", "simulate", "derive", "help")) {
      assertTrue(usage.contains("  " + name + " "), name + " in\n" + usage);
    }
    assertTrue(emc("help", "fit").out().contains("Usage: emc fit"));
    // The inherited options still reach the one command added, after its name as before it.
    Run after = emc("fit", "--no-cache", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--max-iter", "2");
    assertEquals(0, after.code(), after.err());
    assertFalse(after.out().contains("(from the compile cache)"), after.out());
    Run misspelt = emc("fitt", "examples/gmm.model");
    assertEquals(2, misspelt.code());
    assertTrue(misspelt.err().contains("fit"), misspelt.err());
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExitTwo() {
    Run r = emc("check", "--frobnicate", "examples/gmm.model");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("emc: error: Unknown option: '--frobnicate' (see emc check --help)"), r.err());
  }
}
