package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;

/**
 * Element (i, j) of a matrix formula as a Java expression, inside loops over i and j that the
 * caller writes: {@link Lowering#elem2}'s walk, one node at a time. Nodes that are never
 * matrices, and matrices it has no element-wise code for (A ∘ B, M⁻¹, A B, Mᵀ), are refused.
 */
final class MatrixCode extends ElementCode {
  MatrixCode(Lowering low, String i, String j, Scope sc, CodeBlock.Builder out) {
    super(low, i, j, sc, out, "a matrix");
  }

  @Override
  J element(Expr e) {
    return low.elem2(e, i, j, sc, out);
  }

  @Override
  public J visitIdentity(Expr.Identity e) {
    return Lowering.atom("(" + i + " == " + j + " ? 1.0 : 0.0)");
  }

  @Override
  public J visitDiag(Expr.Diag e) {
    return Lowering.atom("(" + i + " == " + j + " ? " + low.elem(e.vector(), i, sc, out) + " : 0.0)");
  }

  @Override
  public J visitOuter(Expr.Outer e) {
    return new J(low.elem(e.left(), i, sc, out).at(1) + " * " + low.elem(e.right(), j, sc, out).at(2), 1);
  }

  // ------------------------------------------------------------------ refused
  // Never a matrix (Lowering#elem2 checks the shape first), or no element-wise code.

  @Override
  public J visitFill(Expr.Fill e) {
    return refuse(e);
  }

  @Override
  public J visitApply(Expr.Apply e) {
    return refuse(e);
  }

  @Override
  public J visitHadamard(Expr.Hadamard e) {
    return refuse(e);
  }

  @Override
  public J visitOneHot(Expr.OneHot e) {
    return refuse(e);
  }

  @Override
  public J visitInv(Expr.Inv e) {
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
