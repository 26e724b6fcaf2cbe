package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.Scores;
import dev.emc.analysis.Scores.Coordinate;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Derivative;
import dev.emc.math.Expr;
import dev.emc.runtime.Linalg;
import dev.emc.math.Text;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A row's complete-data score and Hessian as Java ({@link Scores}): one statement per nonzero
 * derivative, each under the formula it computes, for the observed information that {@code emc
 * fit --se} adds up over the rows.
 */
final class ScoreCode {
  private final EmPlan plan;
  private final Scores scores;
  private final dev.emc.analysis.PriorCurvature prior;
  private final EquationNumbers derivation;
  private final Lowering low;

  ScoreCode(EmPlan plan, Scores scores, dev.emc.analysis.PriorCurvature prior, EquationNumbers derivation,
      Lowering low) {
    this.plan = plan;
    this.scores = scores;
    this.prior = prior;
    this.derivation = derivation;
    this.low = low;
  }

  List<MethodSpec> methods() {
    List<MethodSpec> out = new java.util.ArrayList<>(List.of(scoreLength(), scoreCoordinate(), rowScores()));
    if (!scores.centred().isEmpty()) {
      out.add(centred());
    }
    if (!prior.blocks().isEmpty()) {
      out.add(priorHessian());
    }
    return out;
  }

  /**
   * The log prior's Hessian, added into the T × T matrix over the parameters' numbers: a prior on
   * per-component parameters once per component, each entry at both (a, b) and (b, a).
   */
  private MethodSpec priorHessian() {
    int total = 0;
    for (ParamSlot q : plan.params()) {
      total += (q.perComponent() ? plan.latent().components() : 1) * q.elements();
    }
    CodeBlock.Builder b = CodeBlock.builder();
    for (dev.emc.analysis.PriorCurvature.Block block : prior.blocks()) {
      b.add("// $L  log p = $L\n", JavaText.comment(block.statement()), Text.of(block.logDensity()));
      Scope sc = new Scope(null, block.perComponent() ? "k" : null, null, false);
      if (block.perComponent()) {
        b.beginControlFlow("for (int k = 0; k < K; k++)");
      }
      inverses(b, sc, block.matrixLeaves());
      List<Coordinate> cs = block.coordinates();
      for (int a = 0; a < cs.size(); a++) {
        for (int c = a; c < cs.size(); c++) {
          Expr d = block.hessian(a, c);
          if (isZero(d)) {
            continue;
          }
          b.add("// ∂²/∂$L∂$L: $L\n", Text.of(cs.get(a).leaf()), Text.of(cs.get(c).leaf()), Text.of(d));
          String v = low.fresh("h");
          b.addStatement("final double $L = $L", v, low.scalar(d, sc, b));
          String ga = place(cs.get(a));
          String gc = place(cs.get(c));
          b.addStatement("hessian[($L) * $L + $L] += $L", ga, total, gc, v);
          if (a != c) {
            b.addStatement("hessian[($L) * $L + $L] += $L", gc, total, ga, v);
          }
        }
      }
      if (block.perComponent()) {
        b.endControlFlow();
      }
    }
    b.addStatement("return true");
    return override("priorHessian").returns(TypeName.BOOLEAN)
        .addJavadoc("∂²/∂θ∂θᵀ log p(θ) of the priors, added into {@code hessian[g * $L + h]}, g and h the numbers'\n"
            + "places in the parameters laid end to end: written by symbolic differentiation of each prior's\n"
            + "log-density, for the posterior's normal approximation at the mode.\n", total)
        .addParameter(DOUBLES, "hessian", Modifier.FINAL).addCode(b.build()).build();
  }

  private MethodSpec centred() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// Read only through the softmax over the components, which a common shift of the rows does not change.\n");
    b.addStatement("return $T.of($L)", List.class,
        String.join(", ", scores.centred().stream().map(n -> "\"" + n + "\"").toList()));
    return override("centred").returns(com.palantir.javapoet.ParameterizedTypeName.get(List.class, String.class))
        .addCode(b.build()).build();
  }

  private MethodSpec scoreLength() {
    return override("scoreLength").returns(TypeName.INT)
        .addStatement("return $L", scores.coordinates().size()).build();
  }

  /** Where each coordinate's number sits in the parameters' storage, laid end to end in params()' order. */
  private MethodSpec scoreCoordinate() {
    CodeBlock.Builder b = CodeBlock.builder();
    StringBuilder layout = new StringBuilder();
    for (ParamSlot p : plan.params()) {
      layout.append(layout.length() == 0 ? "" : ", ").append(p.name()).append(" at ").append(base(p));
    }
    b.add("// The parameters end to end, as params() lists them: $L.\n", layout);
    b.beginControlFlow("switch (c)");
    List<Coordinate> cs = scores.coordinates();
    for (int c = 0; c < cs.size(); c++) {
      Coordinate co = cs.get(c);
      b.add("// $L\n", Text.of(co.leaf()));
      b.addStatement("case $L: return $L", c, place(co));
    }
    b.addStatement("default: throw new $T(\"no coordinate \" + c)", IllegalArgumentException.class);
    b.endControlFlow();
    return override("scoreCoordinate").returns(TypeName.INT)
        .addParameter(TypeName.INT, "k", Modifier.FINAL).addParameter(TypeName.INT, "c", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  /** A coordinate's place in the parameters laid end to end, for component {@code k} where it moves with it. */
  private String place(Coordinate co) {
    if (co.component() >= 0) {
      return Integer.toString(base(co.param()) + co.component() * co.param().elements() + co.element());
    } else if (co.element() < 0) {
      return base(co.param()) + " + k";
    } else if (co.param().perComponent()) {
      return base(co.param()) + " + k * " + co.param().elements() + " + " + co.element();
    }
    return Integer.toString(base(co.param()) + co.element());
  }

  private int base(ParamSlot p) {
    int at = 0;
    for (ParamSlot q : plan.params()) {
      if (q == p) {
        return at;
      }
      at += (q.perComponent() ? plan.latent().components() : 1) * q.elements();
    }
    throw new IllegalStateException("no parameter " + p.name());
  }

  private MethodSpec rowScores() {
    int n = scores.coordinates().size();
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// (eq. $L) $L = $L, number by number; each line below is its derivative.\n",
        derivation.number("joint"), EStepCode.joint(plan), Text.of(scores.logDensity()));
    b.addStatement("final int row = n * COLUMNS");
    Scope sc = new Scope("row", "k", null, false);
    softmax(b, sc);
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("final int s = k * $L", n);
    inverses(b, sc, scores.matrixLeaves());
    for (int a = 0; a < n; a++) {
      Expr d = scores.score().get(a);
      if (isZero(d)) {
        continue;
      }
      b.add("// ∂/∂$L: $L\n", Text.of(scores.coordinates().get(a).leaf()), Text.of(d));
      b.addStatement("score[s + $L] = $L", a, low.scalar(d, sc, b));
    }
    for (int a = 0; a < n; a++) {
      for (int c = a; c < n; c++) {
        Expr d = scores.hessian(a, c);
        if (isZero(d)) {
          continue;
        }
        b.add("// ∂²/∂$L∂$L: $L\n", Text.of(scores.coordinates().get(a).leaf()),
            Text.of(scores.coordinates().get(c).leaf()), Text.of(d));
        b.addStatement("hessian[(s + $L) * $L + $L] = $L", a, n, c, low.scalar(d, sc, b));
      }
    }
    b.endControlFlow();
    return override("rowScores")
        .addJavadoc("Row n's complete-data score ∂/∂θ $L into {@code score[k * $L + a]} and its Hessian\n"
            + "∂²/∂θ_a∂θ_b, for a ≤ b, into {@code hessian[(k * $L + a) * $L + b]}, for every component k;\n"
            + "θ_a is the number {@link #scoreCoordinate} places. Written by symbolic differentiation of\n"
            + "(eq. $L); a derivative that is 0 is not written, so the caller zeroes the arrays.\n",
            EStepCode.joint(plan), n, n, n, derivation.number("joint"))
        .addParameter(DOUBLES, "data", Modifier.FINAL).addParameter(TypeName.INT, "n", Modifier.FINAL)
        .addParameter(DOUBLES, "score", Modifier.FINAL).addParameter(DOUBLES, "hessian", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  /**
   * A softmax over the components, once per row before the component loop: each η_j, then
   * π_j = exp(η_j − m) / Σ_i exp(η_i − m) with m the largest η, so that no exp overflows; the
   * leaves π_j bound to their locals. Component j's numbers
   * that the η read are bound to their places first.
   */
  private void softmax(CodeBlock.Builder b, Scope sc) {
    if (scores.softmaxLeaves().isEmpty()) {
      return;
    }
    for (var e : scores.componentLeaves().entrySet()) {
      Derivative.ComponentLeaf c = e.getValue();
      int elements = plan.params().stream().filter(p -> p.name().equals(c.param().name())).findFirst()
          .orElseThrow().elements();
      low.bind(e.getKey(), low.names.field(c.param().name()) + "[" + (c.component() * elements + c.element()) + "]");
    }
    List<Expr> etas = scores.softmaxLeaves().values().iterator().next().etas();
    b.add("// The softmax over the components, with the largest η_j subtracted: π_j = exp(η_j − m) / Σ_i exp(η_i − m)\n");
    String[] eta = new String[etas.size()];
    for (int j = 0; j < etas.size(); j++) {
      eta[j] = low.fresh("eta");
      b.add("// η_$L = $L\n", j + 1, Text.of(etas.get(j)));
      b.addStatement("final double $L = $L", eta[j], low.scalar(etas.get(j), sc, b));
    }
    String m = low.fresh("m");
    b.addStatement("double $L = $L", m, eta[0]);
    for (int j = 1; j < eta.length; j++) {
      b.addStatement("$L = $T.max($L, $L)", m, Math.class, m, eta[j]);
    }
    String z = low.fresh("z");
    StringBuilder sum = new StringBuilder();
    for (int j = 0; j < eta.length; j++) {
      sum.append(j == 0 ? "" : " + ").append("Math.exp(").append(eta[j]).append(" - ").append(m).append(")");
    }
    b.addStatement("final double $L = $L", z, sum);
    String[] pi = new String[eta.length];
    for (int j = 0; j < eta.length; j++) {
      pi[j] = low.fresh("pi");
      b.addStatement("final double $L = Math.exp($L - $L) / $L", pi[j], eta[j], m, z);
    }
    // The log-normalizer's derivatives read only the π_j: it is not bound, and code that read it would not compile.
    for (var e : scores.softmaxLeaves().entrySet()) {
      int j = e.getValue().j();
      if (j >= 0) {
        low.bind(e.getKey(), pi[j]);
      }
    }
  }

  /**
   * Σ_k⁻¹ for each covariance the derivatives read, once per row and component, and w = Σ_k⁻¹v of
   * its quadratic form; each leaf (Σ⁻¹)_ab and w_a bound to what holds it.
   */
  private void inverses(CodeBlock.Builder b, Scope sc, java.util.Map<dev.emc.math.Symbol, Derivative.MatrixLeaf> leaves) {
    java.util.Map<dev.emc.math.Symbol, String> arrays = new java.util.LinkedHashMap<>();
    List<java.util.Map.Entry<dev.emc.math.Symbol, Derivative.MatrixLeaf>> solved = new java.util.ArrayList<>();
    for (var e : leaves.entrySet()) {
      Derivative.MatrixLeaf leaf = e.getValue();
      if (leaf.kind() == Derivative.MatrixLeaf.Kind.SOLVED) {
        solved.add(e);
      }
      if (leaf.kind() != Derivative.MatrixLeaf.Kind.INVERSE && leaf.kind() != Derivative.MatrixLeaf.Kind.SOLVED) {
        continue;
      }
      String array = arrays.computeIfAbsent(leaf.matrix(), m -> {
        String name = low.fresh("inv_" + low.names.field(m.name()));
        String d = low.names.size(m.shape().dim());
        String written = Text.name(m.name()) + (m.perComponent() ? "_k" : "");
        b.add("// $L⁻¹, whose entries the derivatives of log|$L| and of the quadratic form read\n", written, written);
        b.addStatement("final double[] $L = $T.inverse($L, $L, $L)", name, Linalg.class, low.names.field(m.name()),
            m.perComponent() ? "k * " + d + " * " + d : "0", d);
        return name;
      });
      if (leaf.kind() == Derivative.MatrixLeaf.Kind.INVERSE) {
        String d = low.names.size(leaf.matrix().shape().dim());
        low.bind(e.getKey(), array + "[" + leaf.i() + " * " + d + " + " + leaf.j() + "]");
      }
    }
    solved.sort(java.util.Comparator.comparingInt(e -> e.getValue().i()));
    for (var e : solved) {
      Derivative.MatrixLeaf leaf = e.getValue();
      String array = arrays.get(leaf.matrix());
      String d = low.names.size(leaf.matrix().shape().dim());
      StringBuilder sum = new StringBuilder();
      for (int c = 0; c < leaf.vector().size(); c++) {
        sum.append(c == 0 ? "" : " + ").append(array).append("[").append(leaf.i()).append(" * ").append(d)
            .append(" + ").append(c).append("] * ").append(low.scalar(leaf.vector().get(c), sc, b).at(2));
      }
      String w = low.fresh("w");
      if (leaf.i() == 0) {
        b.add("// w = $L⁻¹ v, v the quadratic form's vector\n", Text.name(leaf.matrix().name()));
      }
      b.addStatement("final double $L = $L", w, sum);
      low.bind(e.getKey(), w);
    }
    for (dev.emc.math.Symbol form : scores.quadraticFormsRead()) {
      quadratic(b, sc, form, scores.matrixLeaves().get(form));
    }
  }

  /**
   * δ = vᵀΣ⁻¹v = Σ_a v_a w_a, for derivatives that read the quadratic form itself: a t's, whose
   * log(ν/2 + δ/2) keeps δ after differentiating (a normal's derivatives read only w and Σ⁻¹).
   * Every w_a is bound by then: the coordinates include each σ_aa, and ∂δ/∂σ_aa reads w_a. In a
   * diagonal or spherical spread, δ = Σ_a v_a² / σ²_a.
   */
  private void quadratic(CodeBlock.Builder b, Scope sc, dev.emc.math.Symbol quad, Derivative.MatrixLeaf leaf) {
    String delta = low.fresh("delta");
    b.add("// δ = $L, the quadratic form the derivatives read itself\n", quad.name());
    if (!leaf.matrix().shape().isMatrix()) {
      // A diagonal or spherical spread's: written out, a term per element.
      b.addStatement("final double $L = $L", delta, low.scalar(Derivative.writtenOut(leaf), sc, b));
      low.bind(quad, delta);
      return;
    }
    java.util.Map<Integer, Expr> solved = new java.util.HashMap<>();
    for (var e : scores.matrixLeaves().entrySet()) {
      Derivative.MatrixLeaf w = e.getValue();
      if (w.kind() == Derivative.MatrixLeaf.Kind.SOLVED && w.matrix().equals(leaf.matrix())
          && w.vector().equals(leaf.vector())) {
        solved.put(w.i(), new Expr.Sym(e.getKey()));
      }
    }
    StringBuilder sum = new StringBuilder();
    for (int a = 0; a < leaf.vector().size(); a++) {
      Expr w = solved.get(a);
      if (w == null) {
        throw new IllegalStateException("no w[" + (a + 1) + "] for the quadratic form " + quad.name());
      }
      sum.append(a == 0 ? "" : " + ").append(low.scalar(leaf.vector().get(a), sc, b).at(2)).append(" * ")
          .append(low.scalar(w, sc, b).at(2));
    }
    b.addStatement("final double $L = $L", delta, sum);
    low.bind(quad, delta);
  }

  private static boolean isZero(Expr e) {
    return e instanceof Expr.Num x && x.value() == 0;
  }
}
