package dev.emc.cli;

import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.diag.Severity;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.fit.FitException;
import dev.emc.api.Emc;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code emc} command. The only class that calls {@link System#exit}: everything below it
 * reports problems as diagnostics, and this class turns them into text and an exit code.
 *
 * <p>Exit codes: 0 success; 2 a bad model, bad data or bad options (with a message); 70 a bug in
 * emc (with a one-line message; {@code EMC_DEBUG=1} adds the stack trace); 130 a fit stopped by
 * Ctrl-C (after writing the best fit so far, if asked to).
 */
@Command(
    name = "emc",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "The EM compiler: a latent-variable model in, its EM algorithm out.")
public final class Main implements java.util.concurrent.Callable<Integer> {
  /**
   * The subcommands, in the order the usage lists them. They are added in {@link #run}: picocli
   * reflects over every option of every command it is given, a tenth of a second of a cached
   * fit's start for the ones the command line does not name.
   */
  static final List<Class<?>> COMMANDS = List.of(CheckCommand.class, CompileCommand.class, FitCommand.class,
      SelectCommand.class, PredictCommand.class, SimulateCommand.class, DeriveCommand.class, CommandLine.HelpCommand.class);

  static final int OK = 0;
  static final int BAD_INPUT = 2;
  /** A fit that stopped before it converged, with --strict. */
  static final int NOT_CONVERGED = 3;
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it). */
  static final int INTERRUPTED = 130;
  static final int INTERNAL = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--plugin", paramLabel = "JAR", scope = CommandLine.ScopeType.INHERIT,
      description = "A jar of distribution families to load besides emc's own (repeatable; EMC_PLUGINS"
          + " names jars or directories of jars to load always).")
  List<Path> plugins = new ArrayList<>();

  @CommandLine.Option(names = "--no-cache", scope = CommandLine.ScopeType.INHERIT,
      description = "Compile every model with javac: neither read nor write the compile cache"
          + " (~/.cache/emc, or $EMC_CACHE).")
  boolean noCache;

  /** emc with the families of the --plugin jars, and the compile cache unless --no-cache. */
  Emc emc() {
    Emc emc = withPlugins();
    return noCache ? emc.withoutCache() : emc;
  }

  private Emc withPlugins() {
    List<Path> jars = new ArrayList<>();
    for (Path jar : plugins) {
      jars.add(plugin("--plugin " + jar, jar));
    }
    jars.addAll(pluginsFromEnvironment());
    if (jars.isEmpty()) {
      return Emc.builtIn();
    }
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (IOException e) {
        throw new DiagnosticException(Diagnostic.error("plugin", jar + ": " + e.getMessage()));
      }
    }
    URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), Main.class.getClassLoader());
    try {
      return Emc.withClassLoader(loader, jars);
    } catch (IllegalStateException e) {
      throw new DiagnosticException(Diagnostic.error("plugin", e.getMessage()));
    }
  }

  /**
   * The jars named by EMC_PLUGINS (or the system property emc.plugins), a path list as the shell
   * writes one: each entry a plugin's jar, or a directory whose jars are all plugins. So that a
   * user who always fits with the same families need not repeat --plugin.
   */
  private static List<Path> pluginsFromEnvironment() {
    String list = System.getProperty("emc.plugins", System.getenv("EMC_PLUGINS"));
    List<Path> jars = new ArrayList<>();
    if (list == null) {
      return jars;
    }
    for (String entry : list.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        try (var inside = Files.list(path)) {
          for (Path jar : inside.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
            jars.add(plugin("EMC_PLUGINS entry " + path + ": " + jar.getFileName(), jar));
          }
        } catch (IOException e) {
          throw new DiagnosticException(Diagnostic.error("plugin", "EMC_PLUGINS entry " + path + ": " + e.getMessage()));
        }
      } else {
        jars.add(plugin("EMC_PLUGINS entry " + path, path));
      }
    }
    return jars;
  }

  /** {@code jar}, checked to be a jar that registers families; {@code where} says who named it. */
  private static Path plugin(String where, Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new DiagnosticException(Diagnostic.error("plugin", where + ": no such file"));
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      if (file.getEntry("META-INF/services/dev.emc.dist.Family") == null) {
        throw new DiagnosticException(Diagnostic.error("plugin", where
            + " registers no distribution family: it needs META-INF/services/dev.emc.dist.Family"));
      }
    } catch (IOException e) {
      throw new DiagnosticException(Diagnostic.error("plugin", where + " is not a jar: " + e.getMessage()));
    }
    return jar;
  }

  /** {@code emc} alone: the usage, which lists every command, and exit 2 (no command was run). */
  @Override
  public Integer call() {
    CommandLine cli = spec.commandLine();
    cli.getErr().println("emc: give a command:");
    cli.usage(cli.getErr());
    return BAD_INPUT;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    for (Class<?> command : commandsFor(args)) {
      cli.addSubcommand(command);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof DiagnosticException d) {
        err.print(DiagnosticPrinter.render(d.diagnostics()));
        err.flush();
        return BAD_INPUT;
      }
      if (e instanceof DataException d) {
        err.print(render(d));
        err.flush();
        return BAD_INPUT;
      }
      if (e instanceof FitException f) {
        err.println("emc: error: " + f.getMessage());
        err.flush();
        return BAD_INPUT;
      }
      return internal(e, cli, err);
    });
    // A bad option: one line and where to look, not the whole usage.
    cli.setParameterExceptionHandler((ex, arguments) -> {
      CommandLine c = ex.getCommandLine();
      err.println("emc: error: " + ex.getMessage() + " (see emc " + (c.getCommandName().equals("emc")
          ? "" : c.getCommandName() + " ") + "--help)");
      err.flush();
      return BAD_INPUT;
    });
    int code;
    try {
      code = cli.execute(args);
    } catch (Error e) {
      // picocli hands exceptions to the handler above; an error (a failed class initializer, a
      // stack overflow) still gets one line, not a trace.
      code = internal(e, cli, err);
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The command that the first argument names, alone; all of them when it names none, or help
   * (the usage lists them all, a misspelt name gets the nearest ones).
   */
  private static List<Class<?>> commandsFor(String[] args) {
    for (Class<?> command : COMMANDS) {
      String name = command.getAnnotation(Command.class).name();
      if (args.length > 0 && args[0].equals(name) && command != CommandLine.HelpCommand.class) {
        return List.of(command);
      }
    }
    return COMMANDS;
  }

  /**
   * What is not the user's input: a heap too small for the data, said as such, with exit 2 (from
   * wherever it ran out: a pool wraps a worker's error); else a bug in emc, in one line.
   */
  private static int internal(Throwable e, CommandLine cli, PrintWriter err) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        CommandLine.ParseResult parsed = cli.getParseResult();
        boolean fit = parsed != null && parsed.subcommand() != null
            && parsed.subcommand().commandSpec().userObject() instanceof FitCommand;
        err.println("emc: error: " + Memory.notEnough(fit));
        err.flush();
        return BAD_INPUT;
      }
    }
    err.println("emc: internal error: " + e + " (this is a bug in emc; EMC_DEBUG=1 shows where)");
    if (System.getenv("EMC_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return INTERNAL;
  }

  /**
   * A data problem in the form of the model's diagnostics: {@code file:line:col: error: message},
   * then the line and a caret under the cell when the line is known.
   */
  static String render(DataException d) {
    if (d.line() > 0 && d.lineText() != null && d.column() > 0) {
      Source line = new Source(d.file(), d.lineText(), d.line());
      int start = d.column() - 1;
      Span span = new Span(start, start + Math.max(1, d.width()));
      return DiagnosticPrinter.render(
          new Diagnostic("data", Severity.ERROR, Optional.of(line), Optional.of(span), d.getMessage()));
    }
    String where = d.file() + (d.line() > 0 ? ":" + d.line() : "") + (d.column() > 0 ? ":" + d.column() : "");
    String text = where + ": error: " + d.getMessage() + "\n";
    return d.line() > 0 && d.lineText() != null ? text + "    " + d.lineText() + "\n" : text;
  }

  /** The version Maven wrote into emc.properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"emc " + version()};
    }
  }

  static String version() {
    return Emc.version();
  }

}
