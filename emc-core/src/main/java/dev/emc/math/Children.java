package dev.emc.math;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's operands, and the same kind of node over new operands: the generic descent that
 * {@link Simplify} and the questions the generator asks ("does it read the row?") are built on.
 * The two visitors sit together because they must agree on the order of the operands. As
 * visitors, a new kind of node must say what its operands are: a forgotten one would otherwise
 * read as a leaf, and a formula inside it would go unsimplified and unasked.
 */
final class Children {
  private Children() {}

  /** The operands of {@code e}, in order; none for a leaf. */
  static List<Expr> of(Expr e) {
    return e.accept(OPERANDS);
  }

  /** A node of the same kind as {@code e} over {@code c}, operands in {@link #of}'s order. */
  static Expr with(Expr e, List<Expr> c) {
    return e.accept(new Rebuild(c));
  }

  private static final Operands OPERANDS = new Operands();

  private static final class Operands implements Expr.Visitor<List<Expr>> {
    @Override
    public List<Expr> visitNum(Expr.Num e) {
      return List.of();
    }

    @Override
    public List<Expr> visitSym(Expr.Sym e) {
      return List.of();
    }

    @Override
    public List<Expr> visitSize(Expr.Size e) {
      return List.of();
    }

    @Override
    public List<Expr> visitFill(Expr.Fill e) {
      return List.of(e.value());
    }

    @Override
    public List<Expr> visitIdentity(Expr.Identity e) {
      return List.of();
    }

    @Override
    public List<Expr> visitNeg(Expr.Neg e) {
      return List.of(e.operand());
    }

    @Override
    public List<Expr> visitAdd(Expr.Add e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitSub(Expr.Sub e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitMul(Expr.Mul e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitDiv(Expr.Div e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitApply(Expr.Apply e) {
      return e.args();
    }

    @Override
    public List<Expr> visitHadamard(Expr.Hadamard e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitTotal(Expr.Total e) {
      return List.of(e.vector());
    }

    @Override
    public List<Expr> visitDot(Expr.Dot e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitOuter(Expr.Outer e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitQuadInv(Expr.QuadInv e) {
      return List.of(e.matrix(), e.vector());
    }

    @Override
    public List<Expr> visitLogDet(Expr.LogDet e) {
      return List.of(e.matrix());
    }

    @Override
    public List<Expr> visitTraceInv(Expr.TraceInv e) {
      return List.of(e.weight(), e.matrix());
    }

    @Override
    public List<Expr> visitDiag(Expr.Diag e) {
      return List.of(e.vector());
    }

    @Override
    public List<Expr> visitAt(Expr.At e) {
      return List.of(e.vector(), e.index());
    }

    @Override
    public List<Expr> visitOneHot(Expr.OneHot e) {
      return List.of(e.index());
    }

    @Override
    public List<Expr> visitRowSum(Expr.RowSum e) {
      return List.of(e.body());
    }

    @Override
    public List<Expr> visitSumK(Expr.SumK e) {
      return List.of(e.body());
    }

    @Override
    public List<Expr> visitSum(Expr.Sum e) {
      return List.of(e.body());
    }

    @Override
    public List<Expr> visitRelation(Expr.Relation e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitPartial(Expr.Partial e) {
      return List.of(e.body(), e.wrt());
    }

    @Override
    public List<Expr> visitDensity(Expr.Density e) {
      List<Expr> all = new ArrayList<>(List.of(e.value()));
      all.addAll(e.params());
      return all;
    }

    @Override
    public List<Expr> visitInv(Expr.Inv e) {
      return List.of(e.matrix());
    }

    @Override
    public List<Expr> visitSolve(Expr.Solve e) {
      return List.of(e.matrix(), e.vector());
    }

    @Override
    public List<Expr> visitMatMul(Expr.MatMul e) {
      return List.of(e.left(), e.right());
    }

    @Override
    public List<Expr> visitTranspose(Expr.Transpose e) {
      return List.of(e.matrix());
    }
  }

  /** The node over the operands {@code c}; a leaf, having none, is itself. */
  private static final class Rebuild implements Expr.Visitor<Expr> {
    private final List<Expr> c;

    Rebuild(List<Expr> c) {
      this.c = c;
    }

    @Override
    public Expr visitNum(Expr.Num e) {
      return e;
    }

    @Override
    public Expr visitSym(Expr.Sym e) {
      return e;
    }

    @Override
    public Expr visitSize(Expr.Size e) {
      return e;
    }

    @Override
    public Expr visitFill(Expr.Fill e) {
      return new Expr.Fill(c.get(0), e.dim());
    }

    @Override
    public Expr visitIdentity(Expr.Identity e) {
      return e;
    }

    @Override
    public Expr visitNeg(Expr.Neg e) {
      return new Expr.Neg(c.get(0));
    }

    @Override
    public Expr visitAdd(Expr.Add e) {
      return new Expr.Add(c.get(0), c.get(1));
    }

    @Override
    public Expr visitSub(Expr.Sub e) {
      return new Expr.Sub(c.get(0), c.get(1));
    }

    @Override
    public Expr visitMul(Expr.Mul e) {
      return new Expr.Mul(c.get(0), c.get(1));
    }

    @Override
    public Expr visitDiv(Expr.Div e) {
      return new Expr.Div(c.get(0), c.get(1));
    }

    @Override
    public Expr visitApply(Expr.Apply e) {
      return new Expr.Apply(e.function(), c);
    }

    @Override
    public Expr visitHadamard(Expr.Hadamard e) {
      return new Expr.Hadamard(c.get(0), c.get(1));
    }

    @Override
    public Expr visitTotal(Expr.Total e) {
      return new Expr.Total(c.get(0));
    }

    @Override
    public Expr visitDot(Expr.Dot e) {
      return new Expr.Dot(c.get(0), c.get(1));
    }

    @Override
    public Expr visitOuter(Expr.Outer e) {
      return new Expr.Outer(c.get(0), c.get(1));
    }

    @Override
    public Expr visitQuadInv(Expr.QuadInv e) {
      return new Expr.QuadInv(c.get(0), c.get(1));
    }

    @Override
    public Expr visitLogDet(Expr.LogDet e) {
      return new Expr.LogDet(c.get(0));
    }

    @Override
    public Expr visitTraceInv(Expr.TraceInv e) {
      return new Expr.TraceInv(c.get(0), c.get(1));
    }

    @Override
    public Expr visitDiag(Expr.Diag e) {
      return new Expr.Diag(c.get(0));
    }

    @Override
    public Expr visitAt(Expr.At e) {
      return new Expr.At(c.get(0), c.get(1));
    }

    @Override
    public Expr visitOneHot(Expr.OneHot e) {
      return new Expr.OneHot(c.get(0), e.dim());
    }

    @Override
    public Expr visitRowSum(Expr.RowSum e) {
      return new Expr.RowSum(c.get(0), e.weighted());
    }

    @Override
    public Expr visitSumK(Expr.SumK e) {
      return new Expr.SumK(c.get(0), e.index());
    }

    @Override
    public Expr visitSum(Expr.Sum e) {
      return new Expr.Sum(e.index(), e.from(), e.to(), c.get(0));
    }

    @Override
    public Expr visitRelation(Expr.Relation e) {
      return new Expr.Relation(e.op(), c.get(0), c.get(1));
    }

    @Override
    public Expr visitPartial(Expr.Partial e) {
      return new Expr.Partial(c.get(0), c.get(1));
    }

    @Override
    public Expr visitDensity(Expr.Density e) {
      return new Expr.Density(e.notation(), c.get(0), c.subList(1, c.size()));
    }

    @Override
    public Expr visitInv(Expr.Inv e) {
      return new Expr.Inv(c.get(0));
    }

    @Override
    public Expr visitSolve(Expr.Solve e) {
      return new Expr.Solve(c.get(0), c.get(1));
    }

    @Override
    public Expr visitMatMul(Expr.MatMul e) {
      return new Expr.MatMul(c.get(0), c.get(1));
    }

    @Override
    public Expr visitTranspose(Expr.Transpose e) {
      return new Expr.Transpose(c.get(0));
    }
  }
}
