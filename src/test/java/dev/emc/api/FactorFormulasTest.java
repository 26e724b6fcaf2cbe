package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.analysis.EmPlan;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.FactorScores;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.types.Dim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * The generated M-step of factor analysis, written column by column with a Cholesky solve, computes
 * what Normal's update formulas in the plan say: the formulas that `emc derive` typesets, evaluated
 * here on the statistics of the generated E-step, give the W, μ and Ψ of its {@code maximize()}.
 */
class FactorFormulasTest {
  private static final Path WINE = Path.of("examples/data/wine.csv");

  @Test
  void factorAnalysisMaximizesAsTheFamilysFormulasSay() throws Exception {
    assertMaximizeIsTheFormulas("param Psi : positive[D];");
  }

  @Test
  void probabilisticPcaMaximizesAsTheFamilysFormulasSay() throws Exception {
    assertMaximizeIsTheFormulas("param Psi : positive;");
  }

  private static void assertMaximizeIsTheFormulas(String noise) throws Exception {
    String text = Files.readString(Path.of("examples/factor.model")).replace("param Psi : positive[D];", noise);
    Table wine = Table.read(WINE);
    Bound bound = Fits.model(text, Map.of()).bind(wine, BindOptions.defaults());
    EmPlan plan = Internals.plan(bound);
    Compiled compiled = bound.compile();
    // A fit, moved off its maximum so that the step moves every parameter: at it, μ is the data's mean
    // and an update that left it alone would pass.
    Map<String, double[]> params = new HashMap<>(
        compiled.fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(20)).params());
    double[] w = params.get("W").clone();
    double[] mu = params.get("mu").clone();
    for (int i = 0; i < w.length; i++) {
      w[i] *= 1 + 0.2 * Math.sin(i);
    }
    for (int i = 0; i < mu.length; i++) {
      mu[i] *= 1.1;
    }
    params.put("W", w);
    params.put("mu", mu);
    EmModel model = compiled.model(params);
    Arrays.fill(model.setting("Psi_x"), 0.01);
    double[] stats = new double[model.statisticsLength()];
    model.accumulate(wine.values(), 0, wine.rows(), stats);

    Values values = new Values(plan, params, model, stats);
    EmPlan.FactorPlan data = plan.factors().get(1);
    Map<String, double[]> expected = new HashMap<>();
    for (EmPlan.Update u : data.updates()) {
      expected.put(u.param(), flat(values.of(u.value())));
      if (u.param().equals("W")) {
        // ΔW, which the μ and Ψ updates read, is the change the W update makes.
        values.bind("ΔW", values.of(u.value()).subtract(values.of(new Expr.Sym(u.target()))));
      }
    }
    model.maximize(stats);
    for (String p : new String[] {"W", "mu", "Psi"}) {
      assertClose(expected.get(p), model.param(p), 1e-10, p + " with " + noise);
    }
  }

  /** A value row by row, as the model stores it. */
  private static double[] flat(RealMatrix m) {
    return Arrays.stream(m.getData()).flatMapToDouble(Arrays::stream).toArray();
  }

  /** The numbers a formula's symbols stand for, and the formula's value: a matrix (a vector is a column). */
  private static final class Values {
    private final Map<String, RealMatrix> named = new HashMap<>();
    private final Map<String, Integer> sizes;

    Values(EmPlan plan, Map<String, double[]> params, EmModel model, double[] stats) {
      this.sizes = plan.sizes();
      for (EmPlan.ParamSlot p : plan.params()) {
        named.put(p.name(), matrix(p.symbol().shape(), params.get(p.name())));
      }
      for (EmPlan.SettingSlot s : plan.settings()) {
        named.put(s.symbol().name(), matrix(s.symbol().shape(), model.setting(s.symbol().name())));
      }
      // The statistics lie after the counts, one component's, in the plan's order.
      int offset = EmModel.COUNT + 1;
      for (EmPlan.FactorPlan f : plan.factors()) {
        for (EmPlan.Statistic s : f.statistics()) {
          int length = length(s.shape());
          named.put(s.symbol().name(), matrix(s.shape(), Arrays.copyOfRange(stats, offset, offset + length)));
          offset += length;
        }
      }
      assertEquals(model.statisticsLength(), offset, "the statistics' layout");
      named.put("N", scalar(stats[EmModel.COUNT]));
      int q = sizes.get("Q");
      // G, the factors' posterior covariance, as the E-step computed it.
      named.put("G", matrix(Shape.matrix(Dim.of("Q")), ((FactorScores) model).posteriorCovariance()));
      double[] ones = new double[q];
      Arrays.fill(ones, 1);
      named.put("1_Q", column(ones));
    }

    void bind(String name, RealMatrix value) {
      named.put(name, value);
    }

    RealMatrix of(Expr e) {
      if (e instanceof Expr.Num n) {
        return scalar(n.value());
      } else if (e instanceof Expr.Sym s) {
        RealMatrix v = named.get(s.symbol().name());
        if (v == null) {
          throw new AssertionError("no value for " + s.symbol().name());
        }
        return v;
      } else if (e instanceof Expr.Size s) {
        return scalar(sizes.get(s.dim().toString()));
      } else if (e instanceof Expr.Add a) {
        return of(a.left()).add(of(a.right()));
      } else if (e instanceof Expr.Sub s) {
        return of(s.left()).subtract(of(s.right()));
      } else if (e instanceof Expr.Mul m) {
        return scaled(of(m.left()), of(m.right()), false);
      } else if (e instanceof Expr.Div d) {
        return scaled(of(d.left()), of(d.right()), true);
      } else if (e instanceof Expr.MatMul m) {
        return of(m.left()).multiply(of(m.right()));
      } else if (e instanceof Expr.Outer o) {
        return of(o.left()).multiply(of(o.right()).transpose());
      } else if (e instanceof Expr.Hadamard h) {
        RealMatrix a = of(h.left());
        RealMatrix b = of(h.right());
        RealMatrix out = a.copy();
        out.walkInOptimizedOrder(new org.apache.commons.math3.linear.DefaultRealMatrixChangingVisitor() {
          @Override
          public double visit(int i, int j, double v) {
            return v * b.getEntry(i, j);
          }
        });
        return out;
      } else if (e instanceof Expr.Total t) {
        return scalar(Arrays.stream(flat(of(t.vector()))).sum());
      } else if (e instanceof Expr.Inv i) {
        return new LUDecomposition(of(i.matrix())).getSolver().getInverse();
      }
      throw new AssertionError("no value for a " + e.getClass().getSimpleName() + " in an update");
    }

    /** a·b or a / b, one of them (b, for a quotient) a scalar. */
    private static RealMatrix scaled(RealMatrix a, RealMatrix b, boolean divide) {
      if (isScalar(b)) {
        return a.scalarMultiply(divide ? 1 / b.getEntry(0, 0) : b.getEntry(0, 0));
      }
      if (isScalar(a) && !divide) {
        return b.scalarMultiply(a.getEntry(0, 0));
      }
      throw new AssertionError("a product of two non-scalars");
    }

    private static boolean isScalar(RealMatrix m) {
      return m.getRowDimension() == 1 && m.getColumnDimension() == 1;
    }

    private int length(Shape s) {
      return s.isScalar() ? 1 : sizes.get(s.dim().toString()) * (s.isMatrix() ? sizes.get(s.cols().toString()) : 1);
    }

    private RealMatrix matrix(Shape s, double[] values) {
      if (s.isScalar()) {
        return scalar(values[0]);
      }
      int rows = sizes.get(s.dim().toString());
      if (!s.isMatrix()) {
        return column(values);
      }
      int cols = sizes.get(s.cols().toString());
      double[][] m = new double[rows][cols];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(values, i * cols, m[i], 0, cols);
      }
      return new Array2DRowRealMatrix(m);
    }

    private static RealMatrix scalar(double v) {
      return new Array2DRowRealMatrix(new double[][] {{v}});
    }

    private static RealMatrix column(double[] v) {
      return new Array2DRowRealMatrix(v);
    }
  }
}
