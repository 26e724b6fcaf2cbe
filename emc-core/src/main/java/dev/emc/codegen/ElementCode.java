package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;

/**
 * An element of a vector (at i) or a matrix (at i, j) as a Java expression, inside loops the
 * caller writes: what {@link VectorCode} and {@link MatrixCode} share. Arithmetic works element by
 * element the same way for both; a scalar operand is computed once, into a temporary written to
 * {@code out} before the caller's loops.
 */
abstract class ElementCode extends LoweringWalk {
  final String i;
  /** The column, or null for a vector. */
  final String j;

  ElementCode(Lowering low, String i, String j, Scope sc, CodeBlock.Builder out, String what) {
    super(low, sc, out, what);
    this.i = i;
    this.j = j;
  }

  /** The same element of an operand of this walk's shape. */
  abstract J element(Expr e);

  /** A scalar operand, computed once before the caller's loops. */
  final J once(Expr e) {
    return low.temp(low.scalar(e, sc, out), sc, out);
  }

  @Override
  public final J visitSym(Expr.Sym e) {
    return low.access(e.symbol(), sc, i, j);
  }

  @Override
  public final J visitNeg(Expr.Neg e) {
    return new J("-" + element(e.operand()).at(2), 2);
  }

  @Override
  public final J visitAdd(Expr.Add e) {
    return new J(element(e.left()).at(0) + " + " + element(e.right()).at(1), 0);
  }

  @Override
  public final J visitSub(Expr.Sub e) {
    return new J(element(e.left()).at(0) + " - " + element(e.right()).at(1), 0);
  }

  @Override
  public final J visitMul(Expr.Mul e) {
    J left = e.left().shape().isScalar() ? once(e.left()) : element(e.left());
    J right = e.right().shape().isScalar() ? once(e.right()) : element(e.right());
    return new J(left.at(1) + " * " + right.at(2), 1);
  }

  @Override
  public final J visitDiv(Expr.Div e) {
    J divisor = once(e.right());
    return new J(element(e.left()).at(1) + " / " + divisor.at(2), 1);
  }

  /** Σ_k: summed into an array before the caller's loops, since each element needs every k. */
  @Override
  public final J visitSumK(Expr.SumK e) {
    return low.materialize(e, sc, out, i, j);
  }

  // ------------------------------------------------------------------ refused
  // Always scalars, so never an element: Lowering#elem and #elem2 check the shape first.

  @Override
  public final J visitNum(Expr.Num e) {
    return refuse(e);
  }

  @Override
  public final J visitSize(Expr.Size e) {
    return refuse(e);
  }

  @Override
  public final J visitTotal(Expr.Total e) {
    return refuse(e);
  }

  @Override
  public final J visitDot(Expr.Dot e) {
    return refuse(e);
  }

  @Override
  public final J visitQuadInv(Expr.QuadInv e) {
    return refuse(e);
  }

  @Override
  public final J visitLogDet(Expr.LogDet e) {
    return refuse(e);
  }

  @Override
  public final J visitTraceInv(Expr.TraceInv e) {
    return refuse(e);
  }

  @Override
  public final J visitAt(Expr.At e) {
    return refuse(e);
  }
}
