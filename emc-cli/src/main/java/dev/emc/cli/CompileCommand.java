package dev.emc.cli;

import dev.emc.api.BindOptions;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {"Write the Java source of a model's EM algorithm.",
        "Sizes the model leaves open (the data's width D) come from --set or from --data;",
        "without either, the class is generic in them: its constructor takes them."})
final class CompileCommand implements Callable<Integer> {
  @Mixin ModelInput input;
  @Spec CommandSpec spec;
  @picocli.CommandLine.ParentCommand Main main;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR",
      description = "Write DIR/<Class>.java (default: print the source).")
  Path out;

  @Option(names = "--data", paramLabel = "CSV", description = "Take the sizes the data decide from this file.")
  Path data;

  @Mixin ReadFlags read;

  @Option(names = "--columns", split = ",", paramLabel = "NAME",
      description = "With --data: the columns of the model's one data variable.")
  java.util.List<String> columns;

  @Override
  public Integer call() throws Exception {
    Model model = main.emc().parse(input.model.toString(), input.source().text(), input.settingValues());
    Path file = out == null ? null : out.resolve(model.className() + ".java");
    FileRoles.of(main, input).reads("--data", data).writes("--out", file).check();
    BindOptions options = columns == null ? BindOptions.defaults() : BindOptions.defaults().withColumns(columns);
    // Without data, the class is generic in the sizes the data would decide (unless --set gives them).
    String source = data == null ? model.javaSource(Map.of())
        : model.bind(read.read(data, spec), options).javaSource();
    if (out == null) {
      spec.commandLine().getOut().print(source);
      return Main.OK;
    }
    FileRoles.write(file, source);
    spec.commandLine().getOut().println(file);
    return Main.OK;
  }
}
