package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.codegen.Lowering.Hoisted;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import dev.emc.math.Text;
import dev.emc.runtime.Linalg;
import dev.emc.types.Kind;
import java.util.List;

/**
 * {@code prepare()} of a finite latent: it checks the parameters, then computes once per
 * component what the E-step reads but no row changes — the values Lowering hoisted out of the
 * E-step and M-step ({@link Hoisted}), and logConst[k], the row-free terms of log p(x_n, z = k).
 */
final class PrepareCode {
  private final EmPlan plan;
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final Lowering low;

  PrepareCode(EmPlan plan, EquationNumbers derivation, CodeNames names, Lowering low) {
    this.plan = plan;
    this.derivation = derivation;
    this.names = names;
    this.low = low;
  }

  /** prepare(), and every value it computes: the class declares a field for each. */
  record Prepared(MethodSpec method, List<Hoisted> values) {}

  /**
   * Written once everything that hoists into it is lowered. Its own formulas may need Cholesky
   * factors the E-step did not, so they are lowered before the factors are written, and only then
   * is the set of values fixed.
   */
  Prepared write() {
    CodeBlock.Builder checks = CodeBlock.builder();
    for (ParamSlot p : plan.params()) {
      paramCheck(p, checks);
    }
    CodeBlock constants = constants();
    CodeBlock scalars = scalarsAndVectors(low.hoisted());
    List<Hoisted> values = low.endHoisting();
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(checks.build());
    for (Hoisted h : values) {
      if (h.kind() == Hoisted.Kind.CHOLESKY) {
        cholesky(h, b);
      }
    }
    b.add(scalars);
    b.add(constants);
    b.addStatement("return null");
    return new Prepared(override("prepare").returns(String.class).addCode(b.build()).build(), values);
  }

  /** logConst[k]: the terms of log p(x_n, z = k) that do not read the row. */
  private CodeBlock constants() {
    List<Exprs.Term> rowFree = EStepCode.JointTerms.of(plan).rowFree();
    CodeBlock.Builder constants = CodeBlock.builder();
    Scope sc = new Scope(null, "k", null, false);
    constants.beginControlFlow("for (int k = 0; k < K; k++)");
    constants.add("// The terms of $L (eq. $L) that do not read the row:\n", EStepCode.joint(plan),
        derivation.number("joint"));
    constants.add("// $L\n", Text.of(Exprs.sum(rowFree)));
    constants.addStatement("logConst[k] = $L", low.scalar(Exprs.sum(rowFree), sc, constants));
    constants.endControlFlow();
    return constants.build();
  }

  /** The hoisted scalars, and the hoisted vectors (of reciprocals) element by element. */
  private CodeBlock scalarsAndVectors(List<Hoisted> hoisted) {
    CodeBlock.Builder scalars = CodeBlock.builder();
    for (Hoisted h : hoisted) {
      if (h.kind() == Hoisted.Kind.VECTOR) {
        Expr.Apply reciprocal = (Expr.Apply) h.expr();
        Expr d = reciprocal.arg();
        String n = names.size(d.shape().dim());
        Scope hs = new Scope(null, h.perComponent() ? "k" : null, null, false);
        if (h.perComponent()) {
          scalars.beginControlFlow("for (int k = 0; k < K; k++)");
        }
        J element = low.elem(d, "i", hs, scalars);
        scalars.beginControlFlow("for (int i = 0; i < $L; i++)", n);
        scalars.addStatement("$L[$Li] = 1.0 / $L", h.field(), h.perComponent() ? "k * " + n + " + " : "", element.at(2));
        scalars.endControlFlow();
        if (h.perComponent()) {
          scalars.endControlFlow();
        }
      }
      if (h.kind() == Hoisted.Kind.SCALAR) {
        Scope hs = new Scope(null, h.perComponent() ? "k" : null, null, false);
        if (h.perComponent()) {
          scalars.beginControlFlow("for (int k = 0; k < K; k++)");
        }
        scalars.addStatement("$L[$L] = $L", h.field(), h.perComponent() ? "k" : "0", low.scalar(h.expr(), hs, scalars));
        if (h.perComponent()) {
          scalars.endControlFlow();
        }
      }
    }
    return scalars.build();
  }

  private void paramCheck(ParamSlot p, CodeBlock.Builder b) {
    String field = names.field(p.name());
    Kind kind = p.type().kind();
    String test = switch (kind) {
      case POSITIVE -> "!(" + field + "[i] > 0.0)";
      case PROBABILITY -> "!(" + field + "[i] >= 0.0 && " + field + "[i] <= 1.0)";
      case SIMPLEX -> "!(" + field + "[i] >= 0.0)";
      case REAL, VECTOR -> "!Double.isFinite(" + field + "[i])";
      default -> null;
    };
    if (test == null) {
      return; // covariances: their Cholesky factor is the test
    }
    String what = switch (kind) {
      case POSITIVE -> "positive";
      case PROBABILITY -> "a probability";
      case SIMPLEX -> "a probability";
      default -> "finite";
    };
    b.beginControlFlow("for (int i = 0; i < $L.length; i++)", field);
    b.beginControlFlow("if ($L)", test);
    b.addStatement("return \"$L has \" + $L[i] + \" where it must be $L\"", p.name(), field, what);
    b.endControlFlow();
    b.endControlFlow();
  }

  private void cholesky(Hoisted h, CodeBlock.Builder b) {
    Expr m = h.expr();
    String d = names.size(m.shape().dim());
    Scope sc = new Scope(null, h.perComponent() ? "k" : null, null, false);
    b.add("// $L = L Lᵀ\n", Text.of(m));
    if (h.perComponent()) {
      b.beginControlFlow("for (int k = 0; k < K; k++)");
    }
    String base = low.matrixBase(h, sc);
    String source;
    String sourceBase;
    if (m instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM) {
      source = names.field(s.symbol().name());
      sourceBase = base;
    } else {
      J value = low.elem2(m, "i", "j", sc, b);
      b.addStatement("final double[] m = new double[$L * $L]", d, d);
      b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
      b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
      b.addStatement("m[i * $L + j] = $L", d, value);
      b.endControlFlow();
      b.endControlFlow();
      source = "m";
      sourceBase = "0";
    }
    b.beginControlFlow("if (!$T.cholesky($L, $L, $L, $L, $L))", Linalg.class, source, sourceBase, d, h.field(), base);
    String label = m instanceof Expr.Sym s ? s.symbol().name() : Text.of(m);
    if (h.perComponent()) {
      b.addStatement("return $S + (k + 1) + $S", label + " of component ", " is not positive definite");
    } else {
      b.addStatement("return $S", label + " is not positive definite");
    }
    b.endControlFlow();
    String inverse = low.inverseOf(h);
    if (inverse != null) {
      b.add("// L⁻¹, for the E-step's forms of a block of rows: ‖L⁻¹v‖² = vᵀ$L⁻¹v\n", Text.of(m));
      b.addStatement("$T.invertLower($L, $L, $L, $L, $L)", Linalg.class, h.field(), base, d, inverse, base);
    }
    if (h.perComponent()) {
      b.endControlFlow();
    }
  }
}
