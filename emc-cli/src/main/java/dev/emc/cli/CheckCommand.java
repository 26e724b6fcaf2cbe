package dev.emc.cli;

import dev.emc.api.Model;
import dev.emc.diag.DiagnosticPrinter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {"Check a model: each variable's role, type and shape, then the EM emc derives for it:",
        "the E-step and each parameter's M-step update."})
final class CheckCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;
  @picocli.CommandLine.ParentCommand Main main;

  @Override
  public Integer call() {
    Model model = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    spec.commandLine().getErr().print(DiagnosticPrinter.render(model.warnings()));
    spec.commandLine().getOut().print(model.summary());
    return Main.OK;
  }
}
