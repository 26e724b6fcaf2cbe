package dev.emc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import dev.emc.api.Bound;
import dev.emc.api.Emc;
import dev.emc.api.Internals;
import dev.emc.api.Model;
import dev.emc.diag.DiagnosticException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * A model file is data: whatever it says, emc either refuses it with diagnostics or generates a
 * class that is exactly the code emc means to write. The examples are mutated as an attacker
 * would: comments holding escaped and literal comment ends and line ends at token boundaries,
 * model names renamed to Java's keywords, to java.lang's types, to what the generated code
 * declares itself and to another name's case variant, and line ends as CR LF or a bare CR.
 *
 * <p>For each case, against its twin (the same model without the inserted comments):
 * <ul>
 *   <li>no exception but a {@link DiagnosticException} (which the command turns into exit 2;
 *       anything else would be exit 70);
 *   <li>the generated class's syntax tree, parsed by javac, equals the twin's, names and
 *       literals included: nothing a comment says can change the code;
 *   <li>the twin's tree has the shape of the unrenamed example's (renaming changed names only);
 *       each has one top-level class, no nested or anonymous class, no initializer block, no
 *       import but emc's, and no local or parameter that hides a field;
 *   <li>it compiles. Sources are compiled once per distinct tree: equal trees compile alike.
 * </ul>
 * The tries only generate; javac parses and compiles them a batch at a time, many files to a
 * run, which is some twenty times faster than a javac run per class. Each twin is parsed and
 * compiled once.
 */
abstract class HostileModelFuzz {
  /**
   * The examples this half mutates: those at even places in the list, or at odd ones. Two test
   * classes of 5,000 cases each make the 10,000, and run side by side on two cores.
   */
  abstract int half();

  private static final Emc EMC = Emc.builtIn();
  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
  private static final StandardJavaFileManager FILES = JAVAC.getStandardFileManager(null, Locale.ROOT, null);
  private static final List<String> EXAMPLES = examples();
  /** The twins' generated sources by their text; empty for diagnostics. */
  private static final Map<String, String> TWINS = new ConcurrentHashMap<>();

  /** Comments an attacker would write: javac decodes the escapes before it sees a comment. */
  private static final List<String> COMMENTS = List.of(
      "/* \\u002a\\u002f static { System.exit(3); } class Math {} /* */",
      "// \\u000a static { System.exit(3); }\n",
      "// \\u000d int injected = 1;\n",
      "/* */ */",
      "/* \\u002A\\u002F */",
      "// */ @Override\n",
      "/* @see x {@code y} </pre> */",
      "/* \\\\u002a\\\\u002f */",
      "/* \\uuuu002a\\u002f */",
      "/* \u2028 \u0085 */");

  /** Names that must never reach the generated code as they are. */
  private static final List<String> HOSTILE_NAMES = List.of(
      "class", "int", "new", "double", "return", "var", "record", "yield", "_x",
      "System", "Double", "Math", "String", "Object", "Integer", "Thread", "Runtime", "Override",
      "Arrays", "List", "Map", "Linalg", "EmModel", "ParamInfo", "java", "com",
      "row", "data", "max", "lp", "lp_0", "e_1", "K", "COLUMNS", "STATS", "COUNT", "logConst", "v1",
      "dot3", "x_0", "mu_1", "mu_1_", "next_mu", "chol_Sigma", "S_X", "class_", "inv_mu_0", "MU_rows");

  /**
   * What the model language reserves or resolves by name, not renamed: keywords, types, families,
   * functions, and K and D, the sizes an undeclared latent and data variable take.
   */
  private static final Set<String> LANGUAGE = Set.of("K", "D",
      "model", "data", "latent", "param", "covariate", "first", "prev", "dot", "log", "exp", "sqrt",
      "real", "positive", "probability", "int", "count", "binary", "simplex", "vector", "matrix", "cov",
      "Normal", "Categorical", "Dirichlet", "Bernoulli", "Binomial", "Poisson", "Geometric",
      "Exponential", "Gamma", "LogNormal", "NormalInverseWishart", "InverseWishart", "Beta",
      "InverseGamma", "Wishart");

  private static final Pattern TOKEN = Pattern.compile(
      "//[^\\r\\n]*|/\\*.*?\\*/|[A-Za-z_][A-Za-z_0-9]*|[0-9.]+(?:[eE][+-]?[0-9]+)?|\\r\\n|\\r|\\n|[ \\t]+|.",
      Pattern.DOTALL);

  /** Accepted cases waiting for javac, which is fastest given many files at once. */
  private static final List<Accepted> WAITING = new ArrayList<>();
  private static final int BATCH = 400;

  record Accepted(Case c, String mutant, String twin, String className) {}

  @Property(tries = 5_000)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void hostileModelsGiveDiagnosticsOrTheirCode(@ForAll("hostileCases") Case c) {
    Bound mutant = bind(c.mutant());
    Statistics.collect(mutant == null ? "diagnostics" : "class");
    Statistics.coverage(k -> {
      k.check("class").percentage(p -> p > 20);
      k.check("diagnostics").percentage(p -> p > 5);
    });
    if (mutant == null) {
      return;
    }
    String twin = TWINS.computeIfAbsent(c.twin(), t -> {
      Bound b = bind(t);
      return b == null ? "" : source(b, t);
    });
    assertTrue(!twin.isEmpty(), () -> "comments made a model acceptable:\n" + c.mutant());
    WAITING.add(new Accepted(c, source(mutant, c.mutant()), twin, mutant.className()));
    if (WAITING.size() == BATCH) {
      checkTheClasses();
    }
  }

  /** Each example's tree with its names erased, parsed once. */
  private static List<String> exampleShapes;
  /** The digest of each twin's exact tree, by the digest of its source: a twin is parsed once. */
  private static final Map<String, String> TWIN_TREES = new HashMap<>();

  /**
   * Each waiting case's class against its twin's and its example's, by javac's trees; then one
   * compile of each class not compiled before.
   */
  @AfterContainer
  static void checkTheClasses() {
    if (exampleShapes == null) {
      List<String> sources = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (String e : EXAMPLES) {
        Bound b = bind(e);
        sources.add(source(b, e));
        names.add(b.className());
      }
      exampleShapes = parse(sources, names).stream().map(Parsed::shape).toList();
    }
    List<String> sources = new ArrayList<>();
    List<String> names = new ArrayList<>();
    // Whether each case brings a twin not parsed before; a case can come twice (edge cases).
    List<Boolean> newTwin = new ArrayList<>();
    Set<String> twins = new HashSet<>(TWIN_TREES.keySet());
    for (Accepted a : WAITING) {
      sources.add(a.mutant());
      names.add(a.className());
      newTwin.add(twins.add(digest(a.twin())));
      if (newTwin.get(newTwin.size() - 1)) {
        sources.add(a.twin());
        names.add(a.className());
      }
    }
    List<Parsed> trees = parse(sources, names);
    List<Source> toCompile = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < WAITING.size(); i++) {
      Accepted a = WAITING.get(i);
      Parsed mutant = trees.get(at++);
      if (newTwin.get(i)) {
        Parsed twin = trees.get(at++);
        sameTree(exampleShapes.get(a.c().example()), twin.shape(), "renaming changed more than names", a.c().twin());
        TWIN_TREES.put(digest(a.twin()), digest(twin.exact()));
        toCompile.add(new Source(a.className(), a.twin()));
      }
      if (!digest(mutant.exact()).equals(TWIN_TREES.get(digest(a.twin())))) {
        Parsed twin = parse(List.of(a.twin()), List.of(a.className())).get(0);
        sameTree(twin.exact(), mutant.exact(), "a comment changed the code", a.c().mutant());
      }
    }
    WAITING.clear();
    compileAll(toCompile);
  }

  private static String digest(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where two trees first differ, rather than both whole. */
  private static void sameTree(String expected, String actual, String what, String model) {
    int i = 0;
    while (i < expected.length() && i < actual.length() && expected.charAt(i) == actual.charAt(i)) {
      i++;
    }
    if (i < expected.length() || i < actual.length()) {
      int from = Math.max(0, i - 300);
      fail(what + " for the model\n" + model + "\nexpected …" + expected.substring(from, Math.min(expected.length(), i + 200))
          + "\nbut was  …" + actual.substring(from, Math.min(actual.length(), i + 200)));
    }
  }

  /** A mutant and its twin, from example number {@code example}. */
  record Case(int example, String mutant, String twin) {
    @Override
    public String toString() {
      return mutant;
    }
  }

  @Provide
  Arbitrary<Case> hostileCases() {
    Arbitrary<Integer> example = Arbitraries.integers().between(0, (EXAMPLES.size() - 1 - half()) / 2)
        .map(i -> 2 * i + half());
    Arbitrary<List<Integer>> renames = Arbitraries.integers().between(0, 1 << 20).list().ofMaxSize(2);
    Arbitrary<List<Integer>> comments = Arbitraries.integers().between(0, 1 << 20).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<String> lineEnd = Arbitraries.of("\n", "\r\n", "\r");
    return Combinators.combine(example, renames, comments, lineEnd).as(HostileModelFuzz::mutate);
  }

  private static Case mutate(int example, List<Integer> renames, List<Integer> comments, String lineEnd) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(EXAMPLES.get(example));
    while (m.find()) {
      String t = m.group();
      tokens.add(t.equals("\n") ? lineEnd : t);
    }
    List<String> names = tokens.stream()
        .filter(t -> t.matches("[A-Za-z_][A-Za-z_0-9]*") && !LANGUAGE.contains(t)).distinct().toList();
    for (int r : renames) {
      if (names.isEmpty()) {
        break;
      }
      String from = names.get(r % names.size());
      // Half the time a hostile name; else the case variant of a name, which may exist already.
      String to = r % 2 == 0 ? HOSTILE_NAMES.get((r / 2) % HOSTILE_NAMES.size()) : swapCase(from);
      if (tokens.contains(to)) {
        // A name the model already has (P renamed K in a model with K): that would merge two
        // variables, not rename one.
        continue;
      }
      tokens.replaceAll(t -> t.equals(from) ? to : t);
    }
    String twin = String.join("", tokens);
    for (int i : comments) {
      String comment = COMMENTS.get(i % COMMENTS.size()).replace("\n", lineEnd);
      tokens.add((i / COMMENTS.size()) % (tokens.size() + 1), comment);
    }
    return new Case(example, String.join("", tokens), twin);
  }

  private static String swapCase(String name) {
    StringBuilder b = new StringBuilder();
    for (char ch : name.toCharArray()) {
      b.append(Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ generating

  /** A model bound to sizes, or null when emc refuses it with diagnostics. */
  private static Bound bind(String text) {
    try {
      Model model = EMC.parse("fuzz.model", text, Map.of());
      Map<String, Double> sizes = new LinkedHashMap<>();
      Internals.checked(model).sizes().forEach((name, size) -> {
        if (size.value().isEmpty()) {
          sizes.put(name, 2.0);
        }
      });
      return model.bind(sizes);
    } catch (DiagnosticException e) {
      return null;
    } catch (RuntimeException e) {
      throw new AssertionError("emc failed on its own (exit 70) for:\n" + text, e);
    }
  }

  private static String source(Bound bound, String text) {
    try {
      return bound.javaSource();
    } catch (DiagnosticException e) {
      throw new AssertionError("a model bound, then failed to generate:\n" + text, e);
    } catch (RuntimeException e) {
      throw new AssertionError("emc failed on its own (exit 70) for:\n" + text, e);
    }
  }

  // ------------------------------------------------------------------ javac

  /** javac's syntax tree of a class as text, comments aside: exact, and with names erased. */
  record Parsed(String exact, String shape) {}

  /** A class to compile. */
  record Source(String className, String text) {}

  private static JavaFileObject file(String className, String source) {
    return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
  }

  /** Parses the sources in one go, each checked for what it declares. */
  private static List<Parsed> parse(List<String> sources, List<String> classNames) {
    List<JavaFileObject> files = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      files.add(file(classNames.get(i), sources.get(i)));
    }
    DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
    JavacTask task = (JavacTask) JAVAC.getTask(null, FILES, problems, List.of("-proc:none"), null, files);
    List<Parsed> trees = new ArrayList<>();
    try {
      int i = 0;
      for (CompilationUnitTree unit : task.parse()) {
        trees.add(tree(unit, classNames.get(i), sources.get(i)));
        i++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(problems.getDiagnostics().isEmpty(), () -> problems.getDiagnostics().get(0).toString());
    return trees;
  }

  /**
   * A parsed class as text after checking that it declares only what emc writes: one class, its
   * fields and methods, emc's imports, no nested or anonymous class, no initializer, no local
   * that hides a field.
   */
  private static Parsed tree(CompilationUnitTree unit, String className, String source) {
    for (ImportTree i : unit.getImports()) {
      String imported = i.getQualifiedIdentifier().toString();
      assertTrue(imported.startsWith("dev.emc.runtime.") || imported.startsWith("java.util."),
          () -> "an import emc does not write: " + imported + "\n" + source);
    }
    assertEquals(1, unit.getTypeDecls().size(), () -> "one top-level class\n" + source);
    ClassTree type = (ClassTree) unit.getTypeDecls().get(0);
    assertEquals(className, type.getSimpleName().toString());
    Set<String> fields = new HashSet<>();
    for (Tree member : type.getMembers()) {
      if (member instanceof VariableTree v) {
        assertTrue(fields.add(v.getName().toString()), () -> "two fields " + v.getName() + "\n" + source);
      } else if (!(member instanceof MethodTree)) {
        fail("a member emc does not write: " + member.getKind() + "\n" + source);
      }
    }
    StringBuilder exact = new StringBuilder();
    StringBuilder shape = new StringBuilder();
    new TreeScanner<Void, Void>() {
      private void name(Object name, boolean erase) {
        exact.append(' ').append(name);
        shape.append(' ').append(erase ? "_" : name);
      }

      @Override
      public Void scan(Tree tree, Void unused) {
        if (tree == null) {
          return null;
        }
        exact.append('(').append(tree.getKind());
        shape.append('(').append(tree.getKind());
        super.scan(tree, unused);
        exact.append(')');
        shape.append(')');
        return null;
      }

      @Override
      public Void visitClass(ClassTree c, Void unused) {
        assertTrue(c == type, () -> "a nested class " + c.getSimpleName() + "\n" + source);
        return super.visitClass(c, unused);
      }

      @Override
      public Void visitNewClass(NewClassTree n, Void unused) {
        assertTrue(n.getClassBody() == null, () -> "an anonymous class\n" + source);
        return super.visitNewClass(n, unused);
      }

      @Override
      public Void visitVariable(VariableTree v, Void unused) {
        assertTrue(type.getMembers().contains(v) || !fields.contains(v.getName().toString()),
            () -> "a local hides the field " + v.getName() + "\n" + source);
        name(v.getName(), true);
        return super.visitVariable(v, unused);
      }

      @Override
      public Void visitMethod(MethodTree m, Void unused) {
        name(m.getName(), false);
        return super.visitMethod(m, unused);
      }

      @Override
      public Void visitIdentifier(IdentifierTree i, Void unused) {
        name(i.getName(), true);
        return super.visitIdentifier(i, unused);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree s, Void unused) {
        name(s.getIdentifier(), true);
        return super.visitMemberSelect(s, unused);
      }

      @Override
      public Void visitLiteral(LiteralTree l, Void unused) {
        name(l.getValue(), l.getValue() instanceof String);
        return super.visitLiteral(l, unused);
      }
    }.scan(unit, null);
    return new Parsed(exact.toString(), shape.toString());
  }

  /**
   * Compiles (attributes) classes against emc's runtime, many to a javac run: each is renamed
   * apart (the generated code never names its own class), and none may have an error.
   */
  private static void compileAll(List<Source> classes) {
    int batch = 200;
    for (int from = 0; from < classes.size(); from += batch) {
      List<JavaFileObject> files = new ArrayList<>();
      Map<String, String> byName = new HashMap<>();
      for (int i = from; i < Math.min(classes.size(), from + batch); i++) {
        Source c = classes.get(i);
        String name = c.className() + "_" + i;
        String source = c.text().replace("class " + c.className() + " ", "class " + name + " ");
        files.add(file(name, source));
        byName.put(name, source);
      }
      DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
      JavacTask task = (JavacTask) JAVAC.getTask(null, FILES, problems,
          List.of("-proc:none", "-classpath", System.getProperty("java.class.path")), null, files);
      try {
        task.analyze();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (var d : problems.getDiagnostics()) {
        if (d.getKind() == javax.tools.Diagnostic.Kind.ERROR) {
          fail(d + "\n" + byName.get(Path.of(d.getSource().toUri().getPath()).getFileName().toString()
              .replace(".java", "")));
        }
      }
    }
  }

  private static List<String> examples() {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      List<String> texts = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".model")).sorted().toList()) {
        texts.add(Files.readString(p));
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
