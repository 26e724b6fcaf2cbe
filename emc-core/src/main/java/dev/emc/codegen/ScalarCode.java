package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.emc.codegen.Lowering.BlockQuad;
import dev.emc.codegen.Lowering.Hoisted;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * A scalar formula as a Java expression, its temporaries written to {@code out} first: {@link
 * Lowering#scalar}'s walk, one node at a time. Operands go back through {@link Lowering#scalar}
 * (which hoists what does not read the row) or {@link Lowering#elem}; nodes that are never scalars
 * are refused.
 */
final class ScalarCode extends LoweringWalk {
  ScalarCode(Lowering low, Scope sc, CodeBlock.Builder out) {
    super(low, sc, out, "a scalar");
  }

  private J scalar(Expr e) {
    return low.scalar(e, sc, out);
  }

  private J elem(Expr e, String i) {
    return low.elem(e, i, sc, out);
  }

  private String size(Expr e) {
    return low.names.size(e.shape().dim());
  }

  @Override
  public J visitNum(Expr.Num e) {
    return Lowering.number(e.value());
  }

  @Override
  public J visitSym(Expr.Sym e) {
    return low.access(e.symbol(), sc, null, null);
  }

  @Override
  public J visitSize(Expr.Size e) {
    return Lowering.atom(low.names.size(e.dim()));
  }

  @Override
  public J visitNeg(Expr.Neg e) {
    return new J("-" + scalar(e.operand()).at(2), 2);
  }

  @Override
  public J visitAdd(Expr.Add e) {
    if (e.right() instanceof Expr.Mul m && m.left() instanceof Expr.Num n && n.value() < 0) {
      // a + (−c)·b reads better as a − c·b
      J right = scalar(new Expr.Mul(new Expr.Num(-n.value()), m.right()));
      return new J(scalar(e.left()).at(0) + " - " + right.at(1), 0);
    }
    return new J(scalar(e.left()).at(0) + " + " + scalar(e.right()).at(1), 0);
  }

  @Override
  public J visitSub(Expr.Sub e) {
    return new J(scalar(e.left()).at(0) + " - " + scalar(e.right()).at(1), 0);
  }

  @Override
  public J visitMul(Expr.Mul e) {
    return new J(scalar(e.left()).at(1) + " * " + scalar(e.right()).at(2), 1);
  }

  @Override
  public J visitDiv(Expr.Div e) {
    return new J(scalar(e.left()).at(1) + " / " + scalar(e.right()).at(2), 1);
  }

  @Override
  public J visitApply(Expr.Apply e) {
    if (e.function() == dev.emc.math.Function.LOG && e.arg() instanceof Expr.SumK sum
        && sum.body() instanceof Expr.Apply exp && exp.function() == dev.emc.math.Function.EXP) {
      return logSumExp(exp.arg());
    }
    List<String> args = new ArrayList<>();
    for (Expr arg : e.args()) {
      args.add(scalar(arg).text());
    }
    String call = e.function().java() + "(" + String.join(", ", args) + ")";
    if (e.function() == dev.emc.math.Function.EXP && e.arg() instanceof Expr.Dot) {
      // A regression's e^{βᵀu} is read by the log-density and by every entry of its statistics:
      // in a written-out row it is computed once per row and component.
      return Lowering.atom(low.rowValue("mu", call, sc, out));
    }
    return Lowering.atom(call);
  }

  /**
   * log Σ_k exp(t_k) as m + log Σ_k exp(t_k − m) with m = max_k t_k, so that no exp overflows
   * however large the t_k (a mixture of experts' normalizer, log Σ_j e^{g_jᵀu_n}).
   */
  private J logSumExp(Expr t) {
    if (sc.unroll() != null && sc.row() != null) {
      List<String> terms = new ArrayList<>();
      low.each("K", sc, out, (k, in) -> terms.add(low.temp(low.scalar(t, sc.withK(k), in), sc, in).text()));
      String max = terms.get(0);
      for (int k = 1; k < terms.size(); k++) {
        max = "java.lang.Math.max(" + max + ", " + terms.get(k) + ")";
      }
      String m = low.rowValue("max", max, sc, out);
      List<String> shifted = new ArrayList<>();
      for (String term : terms) {
        shifted.add("java.lang.Math.exp(" + term + " - " + m + ")");
      }
      return Lowering.atom(low.rowValue("lse", m + " + java.lang.Math.log(" + String.join(" + ", shifted) + ")", sc, out));
    }
    String m = low.fresh("max");
    String sum = low.fresh("sum");
    out.addStatement("double $L = Double.NEGATIVE_INFINITY", m);
    low.each("K", sc, out, (k, in) -> in.addStatement("$L = java.lang.Math.max($L, $L)", m, m,
        low.scalar(t, sc.withK(k), in).text()));
    out.addStatement("double $L = 0.0", sum);
    low.each("K", sc, out, (k, in) -> in.addStatement("$L += java.lang.Math.exp($L - $L)", sum,
        low.scalar(t, sc.withK(k), in).at(1), m));
    return new J(m + " + java.lang.Math.log(" + sum + ")", 0);
  }

  @Override
  public J visitTotal(Expr.Total e) {
    String sum = low.fresh("tot");
    out.addStatement("double $L = 0.0", sum);
    low.each(size(e.vector()), sc, out, (i, in) -> in.addStatement("$L += $L", sum, elem(e.vector(), i)));
    return Lowering.atom(sum);
  }

  @Override
  public J visitDot(Expr.Dot e) {
    if (sc.unroll() != null) {
      List<String> products = new ArrayList<>();
      low.each(size(e.left()), sc, out, (i, in) -> products.add(
          low.elem(e.left(), i, sc, in).at(1) + " * " + low.elem(e.right(), i, sc, in).at(2)));
      return Lowering.atom(low.rowValue("dot", String.join(" + ", products), sc, out));
    }
    String t = low.fresh("dot");
    out.addStatement("double $L = 0.0", t);
    low.each(size(e.left()), sc, out, (i, in) -> in.addStatement("$L += $L * $L", t,
        elem(e.left(), i).at(1), elem(e.right(), i).at(2)));
    return Lowering.atom(t);
  }

  @Override
  public J visitOuter(Expr.Outer e) {
    J left = low.temp(scalar(e.left()), sc, out);
    J right = e.isSymmetric() ? left : scalar(e.right());
    return new J(left.at(1) + " * " + right.at(2), 1);
  }

  /**
   * vᵀ M⁻¹ v: for scalars v²·(1/m); for a multiple of I, ‖v‖²·(1/m); for a diagonal, Σ v_i²·(1/d_i)
   * with the reciprocals from prepare(); for a full matrix, ‖L⁻¹v‖² by forward substitution.
   */
  @Override
  public J visitQuadInv(Expr.QuadInv q) {
    if (q.matrix().shape().isScalar() && q.vector().shape().isScalar()) {
      J v = low.temp(scalar(q.vector()), sc, out);
      J inverse = scalar(new Expr.Div(new Expr.Num(1), q.matrix()));
      return new J(v.at(1) + " * " + v.at(2) + " * " + inverse.at(2), 1);
    }
    if (q.matrix().shape().isScalar()) {
      J squares = scalar(new Expr.Total(new Expr.Hadamard(q.vector(), q.vector())));
      J inverse = scalar(new Expr.Div(new Expr.Num(1), q.matrix()));
      return new J(squares.at(1) + " * " + inverse.at(2), 1);
    }
    if (q.matrix().shape().isVector()) {
      if (blocked(q)) {
        low.columns(Exprs.Centred.of(q.vector()).row());
        BlockQuad bq = low.blockQuad(q, low.reciprocals(q.matrix()), size(q.vector()));
        return Lowering.atom(bq.name() + "[" + (bq.perComponent() ? sc.k() : "0") + "][b]");
      }
      String sum = low.fresh("q");
      out.addStatement("double $L = 0.0", sum);
      low.each(size(q.vector()), sc, out, (i, in) -> {
        String t = low.fresh("t");
        String element = elem(q.vector(), i).text();
        String inverse = low.reciprocal(q.matrix(), i, sc, out);
        in.addStatement("final double $L = $L", t, element);
        in.addStatement("$L += $L * $L * $L", sum, t, t, inverse);
      });
      return Lowering.atom(sum);
    }
    Hoisted chol = low.cholesky(q.matrix(), sc);
    String d = size(q.vector());
    if (sc.unroll() != null) {
      return unrolledForward(q, chol, d);
    }
    if (blocked(q)) {
      Exprs.Centred v = Exprs.Centred.of(q.vector());
      if (v != null) {
        low.columns(v.row());
      }
      BlockQuad bq = low.blockQuad(q, chol, d);
      return Lowering.atom(bq.name() + "[" + (bq.perComponent() ? sc.k() : "0") + "][b]");
    }
    return forward(q, chol, d);
  }

  /**
   * Whether the quadratic form is read from a block's ({@link BlockQuad}): only the E-step's
   * log-densities, which hoist, read them, and of a diagonal form only one about a parameter
   * ({@link Exprs.Centred}), whose rows the block transposes once for every component (asked for
   * here, as the E-step is lowered first, so that every method that reads a block declares them).
   * The statistics (a latent scale's moments) compute theirs row by row.
   */
  private boolean blocked(Expr.QuadInv q) {
    if (sc.row() == null || !sc.hoist() || sc.unroll() != null || Exprs.dependsOnRow(q.matrix())) {
      return false;
    }
    return q.matrix().shape().isMatrix() || Exprs.Centred.of(q.vector()) != null;
  }

  /** ‖L⁻¹v‖² by forward substitution, in loops: t_i = (v_i − Σ_{j<i} L_ij t_j) / L_ii. */
  private J forward(Expr.QuadInv q, Hoisted chol, String d) {
    String w = low.fresh("w");
    out.addStatement("final double[] $L = new double[$L]", w, d);
    String sum = low.fresh("q");
    String i = low.fresh("i");
    String j = low.fresh("j");
    String base = low.matrixBase(chol, sc);
    String t = low.fresh("t");
    String element = elem(q.vector(), i).text();
    out.addStatement("double $L = 0.0", sum);
    out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    out.addStatement("double $L = $L", t, element);
    out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, i, j);
    out.addStatement("$L -= $L[$L] * $L[$L]", t, chol.field(), Lowering.index2(base, i, j, d), w, j);
    out.endControlFlow();
    out.addStatement("$L /= $L[$L]", t, chol.field(), Lowering.index2(base, i, i, d));
    out.addStatement("$L[$L] = $L", w, i, t);
    out.addStatement("$L += $L * $L", sum, t, t);
    out.endControlFlow();
    return Lowering.atom(sum);
  }

  /** ‖L⁻¹v‖² by forward substitution written out: t_i = (v_i − Σ_{j<i} L_ij t_j) · (1/L_ii). */
  private J unrolledForward(Expr.QuadInv q, Hoisted chol, String d) {
    Unroll u = sc.unroll();
    int n = u.size(d);
    String base = low.matrixBase(chol, sc);
    String sum = low.fresh("q");
    List<String> t = new ArrayList<>();
    StringBuilder squares = new StringBuilder();
    for (int i = 0; i < n; i++) {
      StringBuilder value = new StringBuilder(elem(q.vector(), Integer.toString(i)).at(0));
      for (int j = 0; j < i; j++) {
        value.append(" - ")
            .append(u.read(chol.field(), Lowering.index2(base, Integer.toString(i), Integer.toString(j), d)))
            .append(" * ").append(t.get(j));
      }
      String ti = low.fresh("t");
      // Multiplying by 1/L_ii, computed once, is several times faster than dividing per row.
      String inverse = u.reciprocal(chol.field(), Lowering.index2(base, Integer.toString(i), Integer.toString(i), d));
      out.addStatement("final double $L = ($L) * $L", ti, value, inverse);
      t.add(ti);
      squares.append(i == 0 ? "" : " + ").append(ti).append(" * ").append(ti);
    }
    out.addStatement("final double $L = $L", sum, squares);
    return Lowering.atom(sum);
  }

  @Override
  public J visitLogDet(Expr.LogDet e) {
    if (e.matrix().shape().isScalar()) {
      return Lowering.atom("java.lang.Math.log(" + scalar(e.matrix()) + ")");
    }
    if (e.matrix().shape().isVector()) {
      // The log-determinant of a diagonal matrix: the logs of its diagonal, added.
      return scalar(new Expr.Total(new Expr.Apply(dev.emc.math.Function.LOG, e.matrix())));
    }
    Hoisted chol = low.cholesky(e.matrix(), sc);
    return Lowering.atom("Linalg.logDetCholesky(" + chol.field() + ", " + low.matrixBase(chol, sc) + ", "
        + size(e.matrix()) + ")");
  }

  @Override
  public J visitTraceInv(Expr.TraceInv e) {
    if (e.matrix().shape().isScalar() && e.weight().shape().isScalar()) {
      return new J(scalar(e.weight()).at(1) + " / " + scalar(e.matrix()).at(2), 1);
    }
    if (e.matrix().shape().isScalar()) {
      // tr(diag(w) / m): the weights' total over m.
      return new J(scalar(new Expr.Total(e.weight())).at(1) + " / " + scalar(e.matrix()).at(2), 1);
    }
    if (e.matrix().shape().isVector()) {
      String sum = low.fresh("tr");
      out.addStatement("double $L = 0.0", sum);
      low.each(size(e.matrix()), sc, out, (i, in) -> in.addStatement("$L += $L / $L", sum,
          elem(e.weight(), i).at(1), elem(e.matrix(), i).at(2)));
      return Lowering.atom(sum);
    }
    Hoisted chol = low.cholesky(e.matrix(), sc);
    String d = size(e.matrix());
    if (e.weight() instanceof Expr.Diag dg && dg.vector() instanceof Expr.Sym w) {
      return Lowering.atom("Linalg.traceDiagInverse(" + chol.field() + ", " + low.matrixBase(chol, sc) + ", " + d
          + ", " + low.names.field(w.symbol().name()) + ", 0)");
    }
    // c·I or I: c tr(M⁻¹).
    J scale = e.weight() instanceof Expr.Mul m && m.right() instanceof Expr.Identity ? scalar(m.left())
        : e.weight() instanceof Expr.Identity ? Lowering.atom("1.0") : null;
    if (scale == null) {
      throw new IllegalStateException("tr(A M⁻¹) is lowered for a diagonal A of a setting or c·I: " + e);
    }
    return new J(scale.at(1) + " * Linalg.traceInverse(" + chol.field() + ", " + low.matrixBase(chol, sc) + ", "
        + d + ")", 1);
  }

  @Override
  public J visitAt(Expr.At e) {
    return elem(e.vector(), low.categoryIndex(e.index(), sc, out));
  }

  /** 1/m: a scalar's inverse, since only scalars come here. */
  @Override
  public J visitInv(Expr.Inv e) {
    return new J("1.0 / " + scalar(e.matrix()).at(2), 1);
  }

  @Override
  public J visitSumK(Expr.SumK e) {
    if (sc.unroll() != null && sc.row() != null) {
      // One sum per row, written out, whichever of the row's formulas reads it (log π_k's
      // normalizer is read by the E-step and by a statistic per element).
      List<String> terms = new ArrayList<>();
      low.each("K", sc, out, (k, in) -> terms.add(low.scalar(e.body(), sc.withK(k), in).at(1)));
      return Lowering.atom(low.rowValue("sum", String.join(" + ", terms), sc, out));
    }
    String t = low.fresh("sum");
    out.addStatement("double $L = 0.0", t);
    // The body's temporaries depend on k: they stay inside the loop.
    low.each("K", sc, out, (k, in) -> in.addStatement("$L += $L", t, low.scalar(e.body(), sc.withK(k), in)));
    return Lowering.atom(t);
  }

  // ------------------------------------------------------------------ refused
  // Never a scalar: Lowering#scalar checks the shape first.

  @Override
  public J visitFill(Expr.Fill e) {
    return refuse(e);
  }

  @Override
  public J visitIdentity(Expr.Identity e) {
    return refuse(e);
  }

  @Override
  public J visitHadamard(Expr.Hadamard e) {
    return refuse(e);
  }

  @Override
  public J visitDiag(Expr.Diag e) {
    return refuse(e);
  }

  @Override
  public J visitOneHot(Expr.OneHot e) {
    return refuse(e);
  }

  @Override
  public J visitSolve(Expr.Solve e) {
    return refuse(e);
  }

  @Override
  public J visitMatMul(Expr.MatMul e) {
    return refuse(e);
  }

  @Override
  public J visitTranspose(Expr.Transpose e) {
    return refuse(e);
  }
}
