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
 * here on the statistics of the generated E-step, give the W, μ and Ψ of its {@code maximize()}. So
 * does a mixture of factor analysers', component by component, with φ from Categorical's formula.
 */
class FactorFormulasTest {
  private static final Path WINE = Path.of("examples/data/wine.csv");
  private static final Path MFA = Path.of("examples/data/mfa.csv");

  @Test
  void factorAnalysisMaximizesAsTheFamilysFormulasSay() throws Exception {
    assertMaximizeIsTheFormulas("param Psi : positive[D];");
  }

  @Test
  void probabilisticPcaMaximizesAsTheFamilysFormulasSay() throws Exception {
    assertMaximizeIsTheFormulas("param Psi : positive;");
  }

  @Test
  void aMixtureOfFactorAnalysersMaximizesAsTheFamiliesFormulasSay() throws Exception {
    String text = Files.readString(Path.of("examples/mfa.model"));
    assertMaximizeIsTheFormulas(text, MFA);
    assertMaximizeIsTheFormulas(text.replace("param Psi[z] : positive[D];", "param Psi : positive[D];")
        .replace("Psi[z]);", "Psi);"), MFA);
    assertMaximizeIsTheFormulas(text.replace("param Psi[z] : positive[D];", "param Psi : positive;")
        .replace("Psi[z]);", "Psi);"), MFA);
  }

  private static void assertMaximizeIsTheFormulas(String noise) throws Exception {
    assertMaximizeIsTheFormulas(Files.readString(Path.of("examples/factor.model"))
        .replace("param Psi : positive[D];", noise), WINE);
  }

  private static void assertMaximizeIsTheFormulas(String text, Path rows) throws Exception {
    Table wine = Table.read(rows);
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

    // One evaluation per component: a per-component symbol stands for that component's value.
    Values[] values = new Values[model.components()];
    for (int k = 0; k < values.length; k++) {
      values[k] = new Values(plan, params, model, stats, k, values);
    }
    Map<String, double[]> expected = new HashMap<>();
    for (EmPlan.FactorPlan f : plan.factors()) {
      for (EmPlan.Update u : f.updates()) {
        int copies = u.target().perComponent() ? values.length : 1;
        double[][] each = new double[copies][];
        for (int k = 0; k < copies; k++) {
          each[k] = flat(values[k].of(u.value()));
          if (u.param().equals("W")) {
            // ΔW, which the μ and Ψ updates read, is the change the W update makes.
            values[k].bind("ΔW", values[k].of(u.value()).subtract(values[k].of(new Expr.Sym(u.target()))));
          }
        }
        expected.put(u.param(), Arrays.stream(each).flatMapToDouble(Arrays::stream).toArray());
      }
    }
    model.maximize(stats);
    for (String p : expected.keySet()) {
      assertClose(expected.get(p), model.param(p), 1e-10, p + " of " + plan.statements());
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

    private final Values[] components;
    private final double count;
    private final double total;

    /** The values of component k (of {@code components}), which a sum over the components reads. */
    Values(EmPlan plan, Map<String, double[]> params, EmModel model, double[] stats, int k, Values[] components) {
      this.sizes = plan.sizes();
      this.components = components;
      for (EmPlan.ParamSlot p : plan.params()) {
        double[] all = params.get(p.name());
        named.put(p.name(), matrix(p.symbol().shape(), p.perComponent()
            ? Arrays.copyOfRange(all, k * p.elements(), (k + 1) * p.elements()) : all));
      }
      for (EmPlan.SettingSlot s : plan.settings()) {
        named.put(s.symbol().name(), matrix(s.symbol().shape(), model.setting(s.symbol().name())));
      }
      // The statistics lie after the K counts in the plan's order, each component's one after another.
      int kk = model.components();
      int offset = EmModel.COUNT + kk;
      for (EmPlan.FactorPlan f : plan.factors()) {
        for (EmPlan.Statistic s : f.statistics()) {
          int length = length(s.shape());
          int at = offset + (s.symbol().perComponent() ? k * length : 0);
          named.put(s.symbol().name(), matrix(s.shape(), Arrays.copyOfRange(stats, at, at + length)));
          offset += s.symbol().perComponent() ? kk * length : length;
        }
      }
      assertEquals(model.statisticsLength(), offset, "the statistics' layout");
      this.count = stats[EmModel.COUNT + k];
      this.total = stats[EmModel.WEIGHT];
      named.put("N", column(Arrays.copyOfRange(stats, EmModel.COUNT, EmModel.COUNT + kk)));
      int q = sizes.get("Q");
      // G (G_k), the factors' posterior covariance (given z = k), as the E-step computed it.
      double[] g = ((FactorScores) model).posteriorCovariance();
      named.put(kk > 1 ? "G_k" : "G", matrix(Shape.matrix(Dim.of("Q")), Arrays.copyOfRange(g, k * q * q, (k + 1) * q * q)));
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
      } else if (e instanceof Expr.Sym s && s.symbol().kind() == dev.emc.math.Symbol.Kind.COUNT) {
        return scalar(count);
      } else if (e instanceof Expr.Sym s && s.symbol().kind() == dev.emc.math.Symbol.Kind.TOTAL) {
        return scalar(total);
      } else if (e instanceof Expr.SumK sum) {
        RealMatrix out = components[0].of(sum.body());
        for (int j = 1; j < components.length; j++) {
          out = out.add(components[j].of(sum.body()));
        }
        return out;
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
