package dev.emc.cli;

import dev.emc.api.DerivationFormat;
import dev.emc.api.Model;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "derive",
    mixinStandardHelpOptions = true,
    description = {"Write the derivation of a model's E-step and M-step: the likelihood, the bound and Q,"
        + " Bayes' rule, and each update from its stationarity condition."})
final class DeriveCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;
  @picocli.CommandLine.ParentCommand Main main;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to FILE (default: print).")
  Path out;

  @Option(names = "--format", paramLabel = "F", defaultValue = "md",
      description = "md (Markdown with LaTeX math), tex (LaTeX; lualatex or xelatex) or html (one page,"
          + " MathML, no network) (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws Exception {
    DerivationFormat f;
    try {
      f = DerivationFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--format is md, tex or html, not " + format);
    }
    FileRoles.of(main, input).writes("--out", out).check();
    Model model = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    String document = model.derivation(f);
    if (out == null) {
      spec.commandLine().getOut().print(document);
      return Main.OK;
    }
    FileRoles.write(out, document);
    return Main.OK;
  }
}
