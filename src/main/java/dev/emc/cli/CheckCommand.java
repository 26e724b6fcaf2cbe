package dev.emc.cli;

import dev.emc.api.Frontend;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.dist.Families;
import dev.emc.semantics.CheckedModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Check a model and summarize each variable's role, type and shape.")
final class CheckCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Frontend.Result result = Frontend.check(input.source(), Families.builtIn(), input.settingValues());
    if (result.model().isEmpty()) {
      throw new DiagnosticException(result.diagnostics());
    }
    spec.commandLine().getErr().print(DiagnosticPrinter.render(result.diagnostics()));
    CheckedModel model = result.model().get();
    spec.commandLine().getOut().print(Summary.of(model));
    return Main.OK;
  }
}
