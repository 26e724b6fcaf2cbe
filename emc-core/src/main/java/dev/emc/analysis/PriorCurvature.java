package dev.emc.analysis;

import dev.emc.analysis.Scores.Coordinate;
import dev.emc.math.Derivative;
import dev.emc.math.Expr;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hessian of the log prior, ∂²/∂θ∂θᵀ log p(θ), written from each prior's log-density by
 * {@link Derivative} in the coordinates of {@link Scores}. With a prior the fit is the posterior's
 * mode (MAP), and minus this Hessian added to the log-likelihood's observed information is minus
 * the log posterior's Hessian there: the precision of the posterior's normal (Laplace)
 * approximation at the mode, which {@code runtime.fit.Information} inverts.
 *
 * <p>A prior on per-component parameters is Σ_k log p(θ_k), one block written for component k
 * that the code runs for each k (a Gamma on λ_k, a normal-inverse-Wishart on μ_k and Σ_k); any
 * other is one block over its own numbers (a Dirichlet on φ_1 … φ_K).
 */
public record PriorCurvature(List<Block> blocks) {
  public PriorCurvature {
    blocks = List.copyOf(blocks);
  }

  /**
   * One prior's Hessian.
   *
   * @param statement the prior as the model writes it
   * @param logDensity its log-density, expanded number by number (for component k, if per component)
   * @param perComponent whether it is one term of Σ_k, its coordinates component k's numbers
   * @param hessian ∂²/∂θ_a∂θ_b log p for a ≤ b, row by row, as {@link Scores#hessian}
   * @param matrixLeaves the covariance leaves its entries read (see {@link Derivative})
   */
  public record Block(String statement, Expr logDensity, boolean perComponent, List<Coordinate> coordinates,
      List<Expr> hessian, Map<Symbol, Derivative.MatrixLeaf> matrixLeaves) {
    public Block {
      coordinates = List.copyOf(coordinates);
      hessian = List.copyOf(hessian);
      matrixLeaves = Collections.unmodifiableMap(new LinkedHashMap<>(matrixLeaves));  // in order, as Scores keeps them
    }

    /** The entry for coordinates a and b, in either order. */
    public Expr hessian(int a, int b) {
      return hessian.get(Scores.packed(a, b, coordinates.size()));
    }
  }

  /**
   * The priors' Hessians; none when the model has no prior.
   *
   * @throws Derivative.Unsupported for a prior whose log-density this unit cannot write out number
   *     by number: the message names it
   */
  public static PriorCurvature of(EmPlan plan) throws Derivative.Unsupported {
    List<Block> blocks = new ArrayList<>();
    for (EmPlan.PriorPlan p : plan.priors()) {
      boolean perComponent = p.logDensity() instanceof Expr.SumK;
      Expr log = p.logDensity() instanceof Expr.SumK s ? s.body() : p.logDensity();
      Derivative d;
      try {
        d = Derivative.expand(log, plan::size);
      } catch (Derivative.Unsupported e) {
        throw new Derivative.Unsupported("standard errors with the prior `" + p.statement() + "`: " + e.getMessage());
      }
      List<Coordinate> coordinates = Scores.coordinates(plan, d);
      long entries = (long) coordinates.size() * (coordinates.size() + 1) / 2;
      if (entries > Scores.MAX_NODES) {
        throw Scores.tooLarge(entries, entries);
      }
      List<Expr> score = new ArrayList<>();
      for (Coordinate c : coordinates) {
        score.add(Simplify.of(d.of(d.formula(), c.leaf())));
      }
      List<Expr> hessian = new ArrayList<>();
      int nodes = 0;
      for (int a = 0; a < coordinates.size(); a++) {
        for (int b = a; b < coordinates.size(); b++) {
          Expr h = Simplify.of(d.of(score.get(a), coordinates.get(b).leaf()));
          nodes += Scores.size(h);
          hessian.add(h);
        }
      }
      if (nodes > Scores.MAX_NODES) {
        throw Scores.tooLarge(hessian.size(), nodes);
      }
      blocks.add(new Block(p.statement(), d.formula(), perComponent, coordinates, hessian, d.matrixLeaves()));
    }
    return new PriorCurvature(blocks);
  }
}
