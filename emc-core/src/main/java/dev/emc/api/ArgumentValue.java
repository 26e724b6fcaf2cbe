package dev.emc.api;

import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import dev.emc.math.Text;
import dev.emc.types.Dim;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * The value of a sampled statement's argument, flat (a matrix row by row), for the {@link
 * Simulator}. Arguments are what the analysis builds from a statement: numbers, parameters, the
 * factors, covariates, their sums, matrix and dot products, and the functions of a linear
 * predictor (logistic, softmax). Any other node is refused with its formula, a
 * message for the user: the simulator cannot draw from that model.
 */
final class ArgumentValue implements Expr.Visitor<double[]> {
  private final BiFunction<Symbol, Integer, double[]> symbols;
  /** The component the symbols are at, and how many there are. */
  private final int k;
  private final int components;
  private final ToIntFunction<Dim> sizes;

  /**
   * With the values of the symbols at a component (and the row's factors and covariates), the
   * component k, and the values of the sizes.
   */
  ArgumentValue(BiFunction<Symbol, Integer, double[]> symbols, int k, int components, ToIntFunction<Dim> sizes) {
    this.symbols = symbols;
    this.k = k;
    this.components = components;
    this.sizes = sizes;
  }

  @Override
  public double[] visitNum(Expr.Num e) {
    return new double[] {e.value()};
  }

  @Override
  public double[] visitSym(Expr.Sym e) {
    return symbols.apply(e.symbol(), k);
  }

  @Override
  public double[] visitFill(Expr.Fill e) {
    double[] out = new double[sizes.applyAsInt(e.dim())];
    Arrays.fill(out, e.value().accept(this)[0]);
    return out;
  }

  @Override
  public double[] visitAdd(Expr.Add e) {
    return combine(e.left().accept(this), e.right().accept(this), 1);
  }

  @Override
  public double[] visitSub(Expr.Sub e) {
    return combine(e.left().accept(this), e.right().accept(this), -1);
  }

  @Override
  public double[] visitMatMul(Expr.MatMul e) {
    double[] a = e.left().accept(this);
    double[] v = e.right().accept(this);
    double[] out = new double[a.length / v.length];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < v.length; j++) {
        out[i] += a[i * v.length + j] * v[j];
      }
    }
    return out;
  }

  /** A scalar times anything: a t mixture's ν / 2 and Σ / w. */
  @Override
  public double[] visitMul(Expr.Mul e) {
    return scaled(e.left().accept(this), e.right().accept(this), false);
  }

  @Override
  public double[] visitDiv(Expr.Div e) {
    return scaled(e.left().accept(this), e.right().accept(this), true);
  }

  /** a·b or a/b, one side (b's, for a quotient) a scalar. */
  private static double[] scaled(double[] a, double[] b, boolean divide) {
    double[] values = a.length == 1 && !divide ? b : a;
    double c = values == a ? b[0] : a[0];
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = divide ? values[i] / c : values[i] * c;
    }
    return out;
  }

  /** a + sign·b, a scalar side standing for every element. */
  private static double[] combine(double[] a, double[] b, double sign) {
    int n = Math.max(a.length, b.length);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = a[a.length == 1 ? 0 : i] + sign * b[b.length == 1 ? 0 : i];
    }
    return out;
  }

  // ------------------------------------------------------------------ refused

  private static double[] refuse(Expr e) {
    throw new IllegalArgumentException("cannot simulate an argument written " + Text.of(e));
  }

  @Override
  public double[] visitSize(Expr.Size e) {
    return refuse(e);
  }

  @Override
  public double[] visitIdentity(Expr.Identity e) {
    return refuse(e);
  }

  @Override
  public double[] visitNeg(Expr.Neg e) {
    return refuse(e);
  }


  /**
   * softmax(η_k): every component's probability, from each one's η_j (a mixture of experts'
   * weights, the vector the latent is drawn from); σ(x), exp x and log x of one number.
   */
  @Override
  public double[] visitApply(Expr.Apply e) {
    if (e.function() == dev.emc.math.Function.SOFTMAX) {
      double[] p = new double[components];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < components; j++) {
        p[j] = e.arg().accept(new ArgumentValue(symbols, j, components, sizes))[0];
        max = Math.max(max, p[j]);
      }
      double sum = 0;
      for (int j = 0; j < components; j++) {
        p[j] = Math.exp(p[j] - max);
        sum += p[j];
      }
      for (int j = 0; j < components; j++) {
        p[j] /= sum;
      }
      return p;
    }
    if (e.args().size() != 1 || !e.shape().isScalar()) {
      return refuse(e);
    }
    double x = e.arg().accept(this)[0];
    if (e.function() == dev.emc.math.Function.LOGISTIC) {
      return new double[] {dev.emc.runtime.Special.logistic(x)};
    }
    if (e.function() == dev.emc.math.Function.EXP) {
      return new double[] {Math.exp(x)};
    }
    if (e.function() == dev.emc.math.Function.LOG) {
      return new double[] {Math.log(x)};
    }
    return refuse(e);
  }

  @Override
  public double[] visitHadamard(Expr.Hadamard e) {
    return refuse(e);
  }

  @Override
  public double[] visitTotal(Expr.Total e) {
    return refuse(e);
  }

  /** uᵀv: a regression's linear predictor, coefficients at the component and the row's covariates. */
  @Override
  public double[] visitDot(Expr.Dot e) {
    double[] a = e.left().accept(this);
    double[] b = e.right().accept(this);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return new double[] {sum};
  }

  @Override
  public double[] visitOuter(Expr.Outer e) {
    return refuse(e);
  }

  @Override
  public double[] visitQuadInv(Expr.QuadInv e) {
    return refuse(e);
  }

  @Override
  public double[] visitLogDet(Expr.LogDet e) {
    return refuse(e);
  }

  @Override
  public double[] visitTraceInv(Expr.TraceInv e) {
    return refuse(e);
  }

  @Override
  public double[] visitDiag(Expr.Diag e) {
    return refuse(e);
  }

  @Override
  public double[] visitAt(Expr.At e) {
    return refuse(e);
  }

  @Override
  public double[] visitOneHot(Expr.OneHot e) {
    return refuse(e);
  }

  @Override
  public double[] visitRowSum(Expr.RowSum e) {
    return refuse(e);
  }

  @Override
  public double[] visitSumK(Expr.SumK e) {
    return refuse(e);
  }

  @Override
  public double[] visitSum(Expr.Sum e) {
    return refuse(e);
  }

  @Override
  public double[] visitRelation(Expr.Relation e) {
    return refuse(e);
  }

  @Override
  public double[] visitPartial(Expr.Partial e) {
    return refuse(e);
  }

  @Override
  public double[] visitDensity(Expr.Density e) {
    return refuse(e);
  }

  @Override
  public double[] visitInv(Expr.Inv e) {
    return refuse(e);
  }

  @Override
  public double[] visitSolve(Expr.Solve e) {
    return refuse(e);
  }

  @Override
  public double[] visitTranspose(Expr.Transpose e) {
    return refuse(e);
  }
}
