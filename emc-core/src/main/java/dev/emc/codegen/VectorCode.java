package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * Element {@code i} of a vector formula as a Java expression, inside a loop over i that the caller
 * writes: {@link Lowering#elem}'s walk, one node at a time. What is the same for every i (a scalar
 * factor, a category's position, a matrix-vector product) is computed into a temporary written to
 * {@code out} before that loop. Nodes that are never vectors are refused.
 */
final class VectorCode extends ElementCode {
  VectorCode(Lowering low, String i, Scope sc, CodeBlock.Builder out) {
    super(low, i, null, sc, out, "a vector");
  }

  @Override
  J element(Expr e) {
    return low.elem(e, i, sc, out);
  }

  @Override
  public J visitFill(Expr.Fill e) {
    return once(e.value());
  }

  @Override
  public J visitApply(Expr.Apply e) {
    List<String> args = new ArrayList<>();
    for (Expr arg : e.args()) {
      args.add(arg.shape().isScalar() ? once(arg).text() : element(arg).text());
    }
    if (e.function() == Lowering.RECIPROCAL) {
      return new J("1.0 / " + atParens(args.get(0)), 1);
    }
    return Lowering.atom(e.function().java() + "(" + String.join(", ", args) + ")");
  }

  @Override
  public J visitHadamard(Expr.Hadamard e) {
    return new J(element(e.left()).at(1) + " * " + element(e.right()).at(2), 1);
  }

  @Override
  public J visitOneHot(Expr.OneHot e) {
    String at = low.categoryIndex(e.index(), sc, out);
    return Lowering.atom("(" + i + " == " + at + " ? 1.0 : 0.0)");
  }

  @Override
  public J visitInv(Expr.Inv e) {
    return new J("1.0 / " + element(e.matrix()).at(2), 1);
  }

  @Override
  public J visitMatMul(Expr.MatMul e) {
    return materialize(e, (t, n) -> {
      String a = low.fresh("a");
      String b = low.fresh("b");
      J aij = low.elem2(e.left(), a, b, sc, out);
      J vj = low.elem(e.right(), b, sc, out);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", a, a, n, a);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", b, b, n, b);
      out.addStatement("$L[$L] += $L * $L", t, a, aij.at(1), vj.at(2));
      out.endControlFlow();
      out.endControlFlow();
    });
  }

  @Override
  public J visitSolve(Expr.Solve e) {
    if (sc.row() != null) {
      throw new IllegalStateException("a linear solve inside the row loop: " + e);
    }
    return materialize(e, (t, n) -> {
      String a = low.fresh("m");
      String r = low.fresh("a");
      String c = low.fresh("b");
      J arc = low.elem2(e.matrix(), r, c, sc, out);
      J br = low.elem(e.vector(), r, sc, out);
      out.addStatement("final double[] $L = new double[$L * $L]", a, n, n);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", r, r, n, r);
      out.addStatement("$L[$L] = $L", t, r, br);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, n, c);
      out.addStatement("$L[$L * $L + $L] = $L", a, r, n, c, arc);
      out.endControlFlow();
      out.endControlFlow();
      // A singular system (collinear covariates, an empty component) gives NaN, which prepare() reports.
      out.beginControlFlow("if (!Linalg.solve($L, $L, $L))", a, t, n);
      out.addStatement("java.util.Arrays.fill($L, Double.NaN)", t);
      out.endControlFlow();
    });
  }

  /** Writes a vector into a new array {@code t} of length {@code n}. */
  private interface Filler {
    void fill(String t, String n);
  }

  /** A vector computed whole before the caller's loop, then read element by element. */
  private J materialize(Expr e, Filler filler) {
    String n = low.names.size(e.shape().dim());
    String t = low.fresh("vec");
    out.addStatement("final double[] $L = new double[$L]", t, n);
    filler.fill(t, n);
    return Lowering.atom(t + "[" + i + "]");
  }

  private static String atParens(String s) {
    return s.matches("[A-Za-z0-9_.\\[\\]+* ]*") && !s.contains(" ") ? s : "(" + s + ")";
  }

  // ------------------------------------------------------------------ refused
  // Never a vector: Lowering#elem checks the shape first.

  @Override
  public J visitIdentity(Expr.Identity e) {
    return refuse(e);
  }

  @Override
  public J visitOuter(Expr.Outer e) {
    return refuse(e);
  }

  @Override
  public J visitDiag(Expr.Diag e) {
    return refuse(e);
  }

  @Override
  public J visitTranspose(Expr.Transpose e) {
    return refuse(e);
  }
}
