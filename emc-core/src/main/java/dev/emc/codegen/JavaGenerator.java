package dev.emc.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.Scores;
import dev.emc.analysis.latent.Enumerated;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.LinearGaussian;
import dev.emc.analysis.latent.MarkovChain;
import dev.emc.codegen.Lowering.Hoisted;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Derivative;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Text;
import dev.emc.runtime.DataInfo;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.Linalg;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.SettingInfo;
import dev.emc.types.Kind;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The code generator: an {@link EmPlan} to the Java source of one class implementing
 * {@link EmModel}, specialized to the plan's sizes (K, D become constants) and depending on
 * nothing but emc's runtime; or generic in the sizes the data decide ({@link #generateGeneric},
 * made so by {@link GenericClass}).
 *
 * <p>The class reads like the algorithm: {@code logJoint} is the E-step's log p(x_n, z = k),
 * {@code accumulate} normalizes it with log-sum-exp and calls {@code collect}, which adds one
 * row's expected sufficient statistics; {@code maximize} is the M-step; {@code prepare} computes
 * what the E-step needs once per component. Each step carries its formula as a comment.
 *
 * <p>This class writes the class around them (constants, fields, what the driver asks) and decides,
 * once per latent structure, who writes the rest: {@link EStepCode} and {@link StatisticsCode} the
 * E-step a finite latent's passes share, a {@link PassCode} the pass itself, {@link MStepCode} the
 * M-step, {@link PrepareCode} prepare(), and {@link FactorAnalysisCode} all of factor analysis.
 */
public final class JavaGenerator {
  static final TypeName DOUBLES = ArrayTypeName.of(TypeName.DOUBLE);
  private static final Modifier[] CONSTANT = {Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL};

  private final EmPlan plan;
  /** The derivation's equation numbers, which the comments cite. */
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final Lowering low;
  /** The E-step that a finite latent's passes share, and its statistics. */
  private final StatisticsCode statistics;
  private final EStepCode estep;
  private final TypeSpec.Builder type;
  /**
   * The sizes the class reads at construction, in its constructor's order, each with what it is
   * ("columns of x"); none when it is specialized.
   */
  private final Map<String, String> open;

  private JavaGenerator(EmPlan plan, EquationNumbers derivation, String className, Map<String, String> open) {
    this.plan = plan;
    this.derivation = derivation;
    this.open = open;
    this.names = new CodeNames(plan, open.keySet());
    this.low = new Lowering(plan, names);
    this.statistics = new StatisticsCode(plan, derivation, names, low);
    this.estep = new EStepCode(plan, derivation, low, statistics);
    this.type = TypeSpec.classBuilder(className)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(EmModel.class);
  }

  /**
   * The source of a class named {@code className}, in the default package.
   *
   * @param derivation the numbers of the plan's derivation, which comments cite
   * @param origin where the model came from, for the header comment
   */
  public static String generate(EmPlan plan, EquationNumbers derivation, String className, String origin,
      String version) {
    return new JavaGenerator(plan, derivation, className, Map.of()).build(origin, version);
  }

  /**
   * The source of a class generic in the sizes {@code open} (each with what it is, in words): each
   * is a {@code public final int} its constructor takes, in this order, and every length and offset
   * that reads one is an instance field the constructor computes. The plan's values of these sizes
   * must reach no line of the class: the caller plans them at two values and checks that both give
   * one source. The pass over the rows is the looped form, and the class has no analytic score.
   */
  public static String generateGeneric(EmPlan plan, EquationNumbers derivation, String className, String origin,
      String version, Map<String, String> open) {
    return new JavaGenerator(plan, derivation, className, open).build(origin, version);
  }

  /** A class name from a model name: {@code gmm} → {@code GmmModel}. */
  public static String className(String modelName) {
    StringBuilder b = new StringBuilder();
    boolean upper = true;
    for (char c : modelName.toCharArray()) {
      if (!Character.isLetterOrDigit(c)) {
        upper = true;
        continue;
      }
      b.append(upper ? Character.toUpperCase(c) : c);
      upper = false;
    }
    if (b.length() == 0 || !Character.isJavaIdentifierStart(b.charAt(0))) {
      b.insert(0, "Em");
    }
    return b + "Model";
  }

  private String build(String origin, String version) {
    type.addJavadoc("The EM algorithm of model $L, generated by emc $L from $L.\n\n", plan.model(), version,
        escape(origin));
    type.addJavadoc("<pre>\n");
    for (String s : plan.statements()) {
      for (String line : s.split("\\R")) {
        type.addJavadoc("$L\n", escape(line));
      }
    }
    type.addJavadoc("</pre>\n\n");
    type.addJavadoc("Comments cite the equations of {@code emc derive $L.model} as (n).\n", plan.model());
    type.addJavadoc("What prepare() computes per component uses {@link $T}.\n", Linalg.class);
    type.addJavadoc("Do not edit: change the model and run {@code emc compile} again.\n");
    if (!open.isEmpty()) {
      String which = String.join(", ", open.keySet());
      type.addJavadoc("\n<p>Generic in $L: the constructor takes $L, and a model of data of any such size is\n"
          + "a new instance ({@code new $L($L)}). {@code emc compile --data} (or {@code --set}) writes the\n"
          + "class specialized to one data set's sizes instead, which fits the same, its loops written out\n"
          + "for small sizes.\n", which, open.size() == 1 ? "it" : "them, in this order", className(plan.model()), which);
    }
    constants();
    parameterFields();
    plan.latent().accept(new LatentStructure.Visitor<Void>() {
      @Override
      public Void visitEnumerated(Enumerated e) {
        finiteLatent(new RowPassCode(plan, derivation, names, low, estep, statistics));
        return null;
      }

      @Override
      public Void visitMarkovChain(MarkovChain c) {
        finiteLatent(new ChainCode(c, derivation, names));
        return null;
      }

      @Override
      public Void visitLinearGaussian(LinearGaussian g) {
        new FactorAnalysisCode(plan, g, derivation, names, type).write();
        type.addMethod(checkRow());
        return null;
      }
    });
    metadata();
    return file(origin, version);
  }

  /**
   * A finite latent's class: the E-step shared by every pass over the rows, the pass itself
   * (independent rows, or one chain's sequence at a time), the M-step and prepare().
   *
   * <p>The order is load-bearing, and this is the one place that fixes it. Lowering a formula
   * hoists what does not read the row into prepare() and draws its temporaries' names, so:
   * <ol>
   *   <li>the E-step and the M-step are lowered first, logJoint before all (lowering it finds the
   *       quadratic forms the other methods pass along), in this order, which numbers the
   *       temporaries as the golden files have them;
   *   <li>then prepare(), whose own formulas may need Cholesky factors too: after it nothing more
   *       may be hoisted, and what it computes is final;
   *   <li>then the fields prepare() fills are declared, and the methods are added in reading order,
   *       which is not the order they were lowered in. quadForms and checkRow are lowered only now
   *       and hoist nothing; Lowering would refuse a value hoisted this late rather than write code
   *       that reads a field no one declared.
   * </ol>
   */
  private void finiteLatent(PassCode pass) {
    MStepCode mstep = new MStepCode(plan, derivation, names, low);
    MethodSpec logJoint = estep.logJoint();
    MethodSpec collect = statistics.collect(estep.byLanes());
    MethodSpec accumulate = pass.accumulate();
    MethodSpec maximize = mstep.maximize();
    MethodSpec penalty = mstep.logPenalty();
    PrepareCode.Prepared prepare = new PrepareCode(plan, derivation, names, low).write();
    // The M-step writes every update from the old parameters into these, then swaps them in.
    for (EmPlan.Update u : plan.updates()) {
      type.addField(FieldSpec.builder(DOUBLES, mstep.next(u.target()), Modifier.PRIVATE, Modifier.FINAL)
          .initializer("new double[$L]", length(u.target().shape(), u.target().perComponent())).build());
    }
    hoistedFields(prepare.values());
    type.addMethod(prepare.method());
    if (estep.hasQuadForms()) {
      type.addMethod(estep.quadForms());
    }
    type.addMethod(logJoint);
    type.addMethods(pass.helpers());
    type.addMethod(accumulate);
    type.addMethod(collect);
    type.addMethod(estep.accumulateGiven());
    type.addMethod(pass.responsibilities());
    type.addMethod(estep.logDensities());
    type.addMethods(pass.latent());
    type.addMethod(maximize);
    type.addMethod(penalty);
    type.addMethod(checkRow());
    dev.emc.analysis.GaussianMixture.of(plan).ifPresent(g -> type.addMethod(normalMixture(g)));
    dev.emc.analysis.TMixture.of(plan).ifPresent(t -> type.addMethod(tMixture(t)));
    // Last, so that the temporaries above keep their numbers whether or not a model has scores.
    if (names.generic()) {
      // A class generic in its sizes has none: the score's coordinates are written out one by one.
      return;
    }
    try {
      type.addMethods(new ScoreCode(plan, Scores.of(plan), dev.emc.analysis.PriorCurvature.of(plan), derivation, low)
          .methods());
    } catch (Derivative.Unsupported e) {
      // No analytic score: the class keeps EmModel's scoreLength() of 0, and the API says why.
    }
  }

  private String file(String origin, String version) {
    TypeSpec built = type.build();
    return JavaText.checked(JavaFile.builder("", open.isEmpty() ? built : GenericClass.of(built, open, names))
        .addFileComment("Generated by emc $L from $L. Do not edit.", version, escape(origin))
        .skipJavaLangImports(true)
        .indent("  ")
        .build()
        .toString());
  }

  // ------------------------------------------------------------------ fields

  private void constants() {
    LatentStructure latent = plan.latent();
    type.addField(FieldSpec.builder(TypeName.INT, "K", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(latent.finite()
            ? CodeBlock.of("Components: the values 1..$L of $L.\n", latent.size(), latent.name())
            : CodeBlock.of("One component: $L is continuous.\n", latent.name()))
        .initializer("$L", latent.components()).build());
    for (Map.Entry<String, Integer> size : plan.sizes().entrySet()) {
      if (size.getKey().equals(latent.size())) {
        continue;
      }
      if (names.isOpen(size.getKey())) {
        type.addField(FieldSpec.builder(TypeName.INT, names.constant(size.getKey()), Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc("The size $L, given to the constructor.\n", size.getKey()).build());
        continue;
      }
      type.addField(FieldSpec.builder(TypeName.INT, names.constant(size.getKey()),
              Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("The size $L.\n", size.getKey())
          .initializer("$L", size.getValue()).build());
    }
    StringBuilder layout = new StringBuilder();
    for (DataSlot d : plan.data()) {
      layout.append(layout.length() == 0 ? "" : ", ").append(d.name()).append(" (").append(names.dataWidth(d.name())).append(")");
    }
    type.addField(FieldSpec.builder(TypeName.INT, "COLUMNS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Values per data row: $L.\n", layout)
        .initializer("$L", names.columns()).build());
    String previous = "COUNT";
    String previousLength = "K";
    for (Statistic st : plan.statistics()) {
      String off = names.statOffset(st.symbol().name());
      type.addField(FieldSpec.builder(TypeName.INT, off, CONSTANT)
          .addJavadoc("Where $L = $L starts in the statistics.\n", st.symbol().name(), escape(st.sum()))
          .initializer("$L + $L", previous, previousLength).build());
      previous = off;
      previousLength = length(st.shape(), st.symbol().perComponent());
    }
    type.addField(FieldSpec.builder(TypeName.INT, "BLOCK", CONSTANT)
        .addJavadoc("Rows per block of the E-step's loops.\n")
        .initializer("$L", EStepCode.BLOCK).build());
    type.addField(FieldSpec.builder(TypeName.INT, "STATS", CONSTANT)
        .addJavadoc("The length of the statistics array.\n")
        .initializer("$L + $L", previous, previousLength).build());
  }

  private void parameterFields() {
    for (ParamSlot p : plan.params()) {
      String length = length(p.symbol().shape(), p.perComponent());
      type.addField(FieldSpec.builder(DOUBLES, names.field(p.name()), Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("$L: $L$L.\n", Text.name(p.name()), p.type(), p.perComponent() ? " for each component" : "")
          .initializer("new double[$L]", length).build());
    }
    for (SettingSlot s : plan.settings()) {
      type.addField(FieldSpec.builder(DOUBLES, names.field(s.symbol().name()), Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("$L: the $L, the diagonal of Ψ (set by the fit).\n", s.symbol().name(), s.meaning())
          .initializer("new double[$L]", length(s.symbol().shape(), false)).build());
    }
    type.addField(FieldSpec.builder(DOUBLES, "logConst", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("The terms of $L that do not depend on the row, per component.\n", EStepCode.joint(plan))
        .initializer("new double[K]").build());
  }

  /** The values prepare() computes for the E-step. */
  private void hoistedFields(List<Hoisted> values) {
    for (Hoisted h : values) {
      String length = h.kind() == Hoisted.Kind.SCALAR ? (h.perComponent() ? "K" : "1")
          : length(h.expr().shape(), h.perComponent());
      String what = h.kind() == Hoisted.Kind.CHOLESKY
          ? "The lower Cholesky factor L of " + Text.of(h.expr()) + " = L Lᵀ"
          : Text.of(h.expr());
      type.addField(FieldSpec.builder(DOUBLES, h.field(), Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("$L$L, from prepare().\n", escape(what), h.perComponent() ? " per component" : "")
          .initializer("new double[$L]", length).build());
      String inverse = low.inverseOf(h);
      if (inverse != null) {
        type.addField(FieldSpec.builder(DOUBLES, inverse, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("L⁻¹, the inverse of {@code $L}$L, from prepare().\n", h.field(),
                h.perComponent() ? " per component" : "")
            .initializer("new double[$L]", length).build());
      }
    }
  }

  private String length(Shape shape, boolean perComponent) {
    String one = shape.isScalar() ? "1"
        : shape.isVector() ? names.size(shape.dim())
        : names.size(shape.dim()) + " * " + names.size(shape.cols());
    if (!perComponent) {
      return one;
    }
    return one.equals("1") ? "K" : "K * " + one;
  }

  // ------------------------------------------------------------------ what the driver asks

  /** The plain Gaussian mixture's descriptor, for its closed-form information where no scores are written. */
  private MethodSpec normalMixture(dev.emc.analysis.GaussianMixture.Plain g) {
    return override("normalMixture").returns(EmModel.NormalMixture.class)
        .addStatement("return new $T($S, $S, $S, $L, $L, $L)", EmModel.NormalMixture.class, g.weights(), g.mean(),
            g.covariance(), g.tied(), names.dataOffset(g.data()), names.dataWidth(g.data()))
        .build();
  }

  /** The plain t mixture's descriptor, for its closed-form information where no scores are written. */
  private MethodSpec tMixture(dev.emc.analysis.TMixture.Plain t) {
    return override("tMixture").returns(EmModel.TMixture.class)
        .addStatement("return new $T($S, $S, $L, $L, $S, $S, $L, $L, $L)", EmModel.TMixture.class, t.weights(), t.nu(),
            t.nuPerComponent(), t.nu() == null ? Double.toString(t.fixedNu()) : "Double.NaN", t.mean(),
            t.covariance(), t.tied(), names.dataOffset(t.data()), names.dataWidth(t.data()))
        .build();
  }

  private MethodSpec checkRow() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.addStatement("final int row = n * COLUMNS");
    for (FactorPlan f : plan.factors()) {
      for (Expr condition : f.support()) {
        Expr.Relation r = (Expr.Relation) condition;
        Scope sc = new Scope("row", null, null, false);
        J left = low.scalar(r.left(), sc, b);
        J right = low.scalar(r.right(), sc, b);
        String op = switch (r.op()) {
          case LE -> "<=";
          case GE -> ">=";
          default -> throw new IllegalStateException("a support condition must be ≤ or ≥: " + condition);
        };
        b.beginControlFlow("if (!($L $L $L))", left.at(1), op, right.at(1));
        String need = Text.of(condition).replace("_n", "");
        if (need.startsWith("(") && need.endsWith(")")) {
          need = need.substring(1, need.length() - 1);
        }
        b.addStatement("return $S + $T.format($L) + $S", Text.of(r.left()).replace("_n", "") + " is ",
            dev.emc.runtime.fit.Params.class, left.at(0), ", but " + f.family() + " needs " + need);
        b.endControlFlow();
      }
    }
    b.addStatement("return null");
    return override("checkRow").returns(String.class).addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "n", Modifier.FINAL).addCode(b.build()).build();
  }


  private void metadata() {
    type.addMethod(override("name").returns(String.class).addStatement("return $S", plan.model()).build());
    type.addMethod(override("components").returns(TypeName.INT).addStatement("return K").build());
    type.addMethod(override("columns").returns(TypeName.INT).addStatement("return COLUMNS").build());
    type.addMethod(override("freeParameters").returns(TypeName.INT)
        .addStatement("return $L", names.generic() ? freeParameters() : plan.freeParameters()).build());
    type.addMethod(override("statisticsLength").returns(TypeName.INT).addStatement("return STATS").build());

    CodeBlock.Builder params = CodeBlock.builder().add("return $T.of(", List.class);
    for (int i = 0; i < plan.params().size(); i++) {
      ParamSlot p = plan.params().get(i);
      Shape s = p.symbol().shape();
      String shape = s.isScalar() ? "" : s.isVector() ? names.size(s.dim()) : names.size(s.dim()) + ", " + names.size(s.cols());
      // A stepped parameter says so; every other takes the constructor without the flag.
      boolean stepped = plan.updates().stream().anyMatch(u -> u.param().equals(p.name()) && u.isStep());
      params.add("$L\n    new $T($S, $T.Constraint.$L, $L, new int[] {$L}$L)", i == 0 ? "" : ",", ParamInfo.class,
          p.name(), ParamInfo.class, constraint(p.type().kind()), p.perComponent() ? "K" : "1", shape,
          stepped ? ", /* stepped: a step toward the maximum, shortened when the objective falls */ true" : "");
    }
    params.add(")");
    type.addMethod(override("params").returns(list(ParamInfo.class)).addStatement(params.build()).build());

    CodeBlock.Builder data = CodeBlock.builder().add("return $T.of(", List.class);
    for (int i = 0; i < plan.data().size(); i++) {
      DataSlot d = plan.data().get(i);
      String categories = d.type().kind() != Kind.CATEGORY ? "0"
          : names.generic() ? names.size(d.type().dim())
          : Integer.toString(plan.size(d.type().dim()));
      data.add("$L\n    new $T($S, $S, $L, $L, $L)", i == 0 ? "" : ",", DataInfo.class, d.name(),
          d.type().kind().valueSet(), names.dataOffset(d.name()), names.dataWidth(d.name()), categories);
    }
    data.add(")");
    type.addMethod(override("data").returns(list(DataInfo.class)).addStatement(data.build()).build());

    CodeBlock.Builder settings = CodeBlock.builder().add("return $T.of(", List.class);
    for (int i = 0; i < plan.settings().size(); i++) {
      SettingSlot s = plan.settings().get(i);
      settings.add("$L\n    new $T($S, $S, $S, $L)", i == 0 ? "" : ",", SettingInfo.class, s.symbol().name(),
          "covariance-regularization", s.data(), length(s.symbol().shape(), false));
    }
    settings.add(")");
    type.addMethod(override("settings").returns(list(SettingInfo.class)).addStatement(settings.build()).build());

    type.addMethod(lookup("param", plan.params().stream().map(ParamSlot::name).toList()));
    type.addMethod(lookup("setting", plan.settings().stream().map(s -> s.symbol().name()).toList()));
  }

  /**
   * The free numbers as a formula in the sizes, for a class generic in them: each parameter's
   * count as the analysis writes it ({@link ParamSlot#count}), its sizes as the class names them.
   */
  private String freeParameters() {
    StringBuilder sum = new StringBuilder();
    for (ParamSlot p : plan.params()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z_0-9]*").matcher(p.count());
      StringBuilder count = new StringBuilder();
      while (m.find()) {
        String word = m.group();
        m.appendReplacement(count, java.util.regex.Matcher.quoteReplacement(word.equals("max") ? "java.lang.Math.max"
            : plan.sizes().containsKey(word) ? names.constant(word) : word));
      }
      m.appendTail(count);
      sum.append(sum.length() == 0 ? "" : " + ").append(count);
    }
    return sum.length() == 0 ? "0" : sum.toString();
  }

  private MethodSpec lookup(String method, List<String> keys) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.beginControlFlow("switch (name)");
    for (String key : keys) {
      b.addStatement("case $S: return $L", key, names.field(key));
    }
    b.addStatement("default: throw new $T(\"no $L \" + name)", IllegalArgumentException.class, method);
    b.endControlFlow();
    return override(method).returns(DOUBLES).addParameter(String.class, "name", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  private static String constraint(Kind kind) {
    return switch (kind) {
      case POSITIVE -> "POSITIVE";
      case PROBABILITY -> "PROBABILITY";
      case SIMPLEX -> "SIMPLEX";
      case COV -> "COVARIANCE";
      default -> "REAL";
    };
  }


  private static TypeName list(Class<?> element) {
    return ParameterizedTypeName.get(ClassName.get(List.class), ClassName.get(element));
  }

  static MethodSpec.Builder override(String name) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC);
  }

  private static String escape(String text) {
    return JavaText.comment(text);
  }
}
