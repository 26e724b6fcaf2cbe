package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.math.Text;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The M-step of a finite latent: {@code maximize}, each update from the statistics, and
 * {@code logPenalty}, the part of the objective the priors and regularization add.
 */
final class MStepCode {
  private final EmPlan plan;
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final Lowering low;
  /** The fields the updates are written to (next_mu), each drawn from the pool once. */
  private final Map<String, String> nextNames = new HashMap<>();

  MStepCode(EmPlan plan, EquationNumbers derivation, CodeNames names, Lowering low) {
    this.plan = plan;
    this.derivation = derivation;
    this.names = names;
    this.low = low;
  }

  /** The field the M-step writes a parameter's new value to, before it replaces the old. */
  String next(Symbol target) {
    return nextNames.computeIfAbsent(target.name(), n -> names.fresh("next_" + names.field(target.name())));
  }

  MethodSpec maximize() {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Statistic st : plan.statistics()) {
      if (st.perRow() instanceof Expr.Outer o && o.isSymmetric() && st.shape().isMatrix()) {
        upperTriangle(st, b);
      }
    }
    b.addStatement("final double N = stats[WEIGHT]");
    b.add("// Every update reads the current values; the new ones are written to next_* first.\n");
    for (EmPlan.Update u : plan.updates()) {
      String field = names.field(u.param());
      b.addStatement("System.arraycopy($L, 0, $L, 0, $L.length)", field, next(u.target()), field);
    }
    List<EmPlan.Update> perComponent = plan.updates().stream().filter(u -> u.target().perComponent()).toList();
    if (!perComponent.isEmpty()) {
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.beginControlFlow("if (!(stats[COUNT + k] > EMPTY * N))");
      b.add("// An empty component keeps its values; its weight says it is empty.\n");
      b.addStatement("continue");
      b.endControlFlow();
      Scope sc = new Scope(null, "k", "stats", false);
      b.addStatement("final double Nk = stats[COUNT + k]");
      for (EmPlan.Update u : perComponent) {
        update(u, sc, b);
      }
      b.endControlFlow();
    }
    Scope global = new Scope(null, null, "stats", false);
    for (EmPlan.Update u : plan.updates()) {
      if (!u.target().perComponent()) {
        update(u, global, b);
      }
    }
    for (EmPlan.Update u : plan.updates()) {
      String field = names.field(u.param());
      b.addStatement("System.arraycopy($L, 0, $L, 0, $L.length)", next(u.target()), field, field);
    }
    return override("maximize").addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }

  /** A symmetric statistic's upper triangle, copied from the lower one that collect() added up. */
  private void upperTriangle(Statistic st, CodeBlock.Builder b) {
    String d = names.size(st.shape().dim());
    b.add("// $L is symmetric; collect() adds only its lower triangle.\n", st.symbol().name());
    String base = names.statOffset(st.symbol().name())
        + (st.symbol().perComponent() ? " + k * " + d + " * " + d : "");
    if (st.symbol().perComponent()) {
      b.beginControlFlow("for (int k = 0; k < K; k++)");
    }
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.beginControlFlow("for (int j = 0; j < i; j++)");
    b.addStatement("stats[$L + j * $L + i] = stats[$L + i * $L + j]", base, d, base, d);
    b.endControlFlow();
    b.endControlFlow();
    if (st.symbol().perComponent()) {
      b.endControlFlow();
    }
  }

  private void update(EmPlan.Update u, Scope sc, CodeBlock.Builder b) {
    Symbol t = u.target();
    String lhs = Text.of(new Expr.Sym(t));
    b.add("// (eq. $L) $L ← $L   ($L)\n", derivation.numbers().getOrDefault("compute:" + u.param(),
        derivation.number("update:" + u.param())), lhs, Text.of(u.value()), u.method());
    if (u.textbook() != null) {
      b.add("//   that is (eq. $L), $L = $L\n", derivation.number("update:" + u.param()),
          Text.of(u.written()), Text.of(u.textbook()));
    }
    String next = next(t);
    Shape shape = t.shape();
    if (shape.isScalar()) {
      J value = low.scalar(u.value(), sc, b);
      b.addStatement("$L = $L", low.access(t, sc, null, null, next), value);
    } else if (shape.isVector()) {
      J value = low.elem(u.value(), "i", sc, b);
      b.beginControlFlow("for (int i = 0; i < $L; i++)", names.size(shape.dim()));
      b.addStatement("$L = $L", low.access(t, sc, "i", null, next), value);
      b.endControlFlow();
    } else {
      J value = low.elem2(u.value(), "i", "j", sc, b);
      String d = names.size(shape.dim());
      b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
      b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
      b.addStatement("$L = $L", low.access(t, sc, "i", "j", next), value);
      b.endControlFlow();
      b.endControlFlow();
    }
  }

  MethodSpec logPenalty() {
    CodeBlock.Builder b = CodeBlock.builder();
    Scope sc = new Scope(null, null, null, false);
    if (derivation.numbers().containsKey("objective")) {
      b.add("// The regularization's part of the objective (eq. $L).\n", derivation.number("objective"));
    }
    b.addStatement("double penalty = 0.0");
    for (FactorPlan f : plan.factors()) {
      if (f.logPenalty() != null) {
        b.add("// $L\n", Text.of(f.logPenalty()));
        J p = low.scalar(f.logPenalty(), sc, b);
        b.addStatement("penalty += $L", p);
      }
    }
    for (EmPlan.PriorPlan p : plan.priors()) {
      b.add("// log p of the prior $L\n", JavaText.comment(p.statement()));
      b.add("// $L\n", Text.of(p.logDensity()));
      J value = low.scalar(p.logDensity(), sc, b);
      b.addStatement("penalty += $L", value);
    }
    b.addStatement("return penalty");
    return override("logPenalty").returns(TypeName.DOUBLE).addCode(b.build()).build();
  }
}
