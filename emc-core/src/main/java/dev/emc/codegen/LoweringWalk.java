package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;

/**
 * What the lowering walks ({@link ScalarCode}, {@link VectorCode}, {@link MatrixCode}) share:
 * where they write and how they refuse a node. The derivation's own nodes (Σ_n, Σ_index,
 * relations, ∂, densities by name) never reach code, so they are refused once, here; every other
 * kind of node each walk must take or refuse itself.
 */
abstract class LoweringWalk implements Expr.Visitor<J> {
  final Lowering low;
  final Scope sc;
  final CodeBlock.Builder out;
  /** What the walk makes, for the message: "a scalar". */
  private final String what;

  LoweringWalk(Lowering low, Scope sc, CodeBlock.Builder out, String what) {
    this.low = low;
    this.sc = sc;
    this.out = out;
    this.what = what;
  }

  /** A node this walk has no code for: a bug in emc, since the families' formulas are checked. */
  final J refuse(Expr e) {
    throw new IllegalStateException("cannot lower to " + what + ": " + e);
  }

  @Override
  public final J visitRowSum(Expr.RowSum e) {
    return refuse(e);
  }

  @Override
  public final J visitSum(Expr.Sum e) {
    return refuse(e);
  }

  @Override
  public final J visitRelation(Expr.Relation e) {
    return refuse(e);
  }

  @Override
  public final J visitPartial(Expr.Partial e) {
    return refuse(e);
  }

  @Override
  public final J visitDensity(Expr.Density e) {
    return refuse(e);
  }
}
