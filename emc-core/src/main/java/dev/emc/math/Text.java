package dev.emc.math;

import java.util.Map;

/**
 * Formulas as one line of Unicode, for comments in generated code and for summaries:
 * {@code log φ_k − ½ log|Σ_k| − ½ (x_n − μ_k)ᵀ Σ_k⁻¹ (x_n − μ_k)}.
 */
public final class Text {
  private static final Map<String, String> GREEK = Map.ofEntries(
      Map.entry("alpha", "α"), Map.entry("beta", "β"), Map.entry("gamma", "γ"),
      Map.entry("delta", "δ"), Map.entry("epsilon", "ε"), Map.entry("zeta", "ζ"),
      Map.entry("eta", "η"), Map.entry("theta", "θ"), Map.entry("kappa", "κ"),
      Map.entry("lambda", "λ"), Map.entry("mu", "μ"), Map.entry("nu", "ν"), Map.entry("xi", "ξ"),
      Map.entry("pi", "π"), Map.entry("rho", "ρ"), Map.entry("sigma", "σ"), Map.entry("tau", "τ"),
      Map.entry("phi", "φ"), Map.entry("chi", "χ"), Map.entry("psi", "ψ"), Map.entry("omega", "ω"),
      Map.entry("Gamma", "Γ"), Map.entry("Delta", "Δ"), Map.entry("Theta", "Θ"),
      Map.entry("Lambda", "Λ"), Map.entry("Xi", "Ξ"), Map.entry("Pi", "Π"),
      Map.entry("Sigma", "Σ"), Map.entry("Phi", "Φ"), Map.entry("Psi", "Ψ"),
      Map.entry("Omega", "Ω"), Map.entry("ell", "ℓ"));

  private Text() {}

  /**
   * A model's name as a reader writes it: {@code mu} → μ, {@code Sigma} → Σ, {@code Psi_x} →
   * Ψ_x; others as they are.
   */
  public static String name(String name) {
    int underscore = name.indexOf('_');
    if (underscore > 0) {
      return GREEK.getOrDefault(name.substring(0, underscore), name.substring(0, underscore))
          + name.substring(underscore);
    }
    return GREEK.getOrDefault(name, name);
  }

  public static String of(Expr e) {
    return print(e, 0);
  }

  /** {@code weight e}, with e in parentheses when it is a sum: "r_nk (x_n − μ_k)". */
  public static String times(String weight, Expr e) {
    return weight + " " + print(e, 2);
  }

  // Precedence: −1 a relation, 0 sum, 1 product, 2 unary, 3 atom.
  private static String print(Expr e, int context) {
    Printed p = e.accept(PRINTER);
    return p.level() < context ? "(" + p.text() + ")" : p.text();
  }

  /** A formula's text and the precedence of its outermost operation. */
  private record Printed(String text, int level) {}

  private static Printed atom(String text) {
    return new Printed(text, 3);
  }

  private static final Printer PRINTER = new Printer();

  /** One node's text, its operands printed in the precedence they need there. */
  private static final class Printer implements Expr.Visitor<Printed> {
    @Override
    public Printed visitNum(Expr.Num e) {
      return atom(number(e.value()));
    }

    @Override
    public Printed visitSym(Expr.Sym e) {
      return atom(symbol(e.symbol()));
    }

    @Override
    public Printed visitSize(Expr.Size e) {
      return atom(e.dim().toString());
    }

    @Override
    public Printed visitFill(Expr.Fill e) {
      return atom(print(e.value(), 3) + "·1");
    }

    @Override
    public Printed visitIdentity(Expr.Identity e) {
      return atom("I");
    }

    @Override
    public Printed visitNeg(Expr.Neg e) {
      return new Printed("−" + print(e.operand(), 2), 2);
    }

    @Override
    public Printed visitAdd(Expr.Add e) {
      if (e.right() instanceof Expr.Mul m && m.left() instanceof Expr.Num n && n.value() < 0) {
        Expr positive = new Expr.Mul(new Expr.Num(-n.value()), m.right());
        return new Printed(print(e.left(), 0) + " − " + print(positive, 1), 0);
      }
      return new Printed(print(e.left(), 0) + " + " + print(e.right(), 1), 0);
    }

    @Override
    public Printed visitSub(Expr.Sub e) {
      return new Printed(print(e.left(), 0) + " − " + print(e.right(), 1), 0);
    }

    @Override
    public Printed visitMul(Expr.Mul e) {
      if (e.left() instanceof Expr.Num n && n.value() == 0.5) {
        return new Printed("½ " + print(e.right(), 2), 1);
      }
      if (e.left() instanceof Expr.Num n && n.value() == -0.5) {
        return new Printed("−½ " + print(e.right(), 2), 2);
      }
      return new Printed(print(e.left(), 1) + " " + print(e.right(), 2), 1);
    }

    @Override
    public Printed visitDiv(Expr.Div e) {
      return new Printed(print(e.left(), 2) + " / " + print(e.right(), 2), 1);
    }

    @Override
    public Printed visitApply(Expr.Apply e) {
      if (e.asWritten() != e) {
        return e.asWritten().accept(this);
      }
      if (e.args().size() > 1) {
        return atom(e.function().text() + "(" + String.join(", ", e.args().stream().map(x -> print(x, 0)).toList()) + ")");
      }
      return new Printed(e.function().text() + " " + print(e.arg(), 3), 2);
    }

    @Override
    public Printed visitHadamard(Expr.Hadamard e) {
      return new Printed(print(e.left(), 2) + " ∘ " + print(e.right(), 2), 1);
    }

    @Override
    public Printed visitTotal(Expr.Total e) {
      return new Printed("Σ_d " + print(e.vector(), 2), 1);
    }

    @Override
    public Printed visitDot(Expr.Dot e) {
      return new Printed(print(e.left(), 3) + "ᵀ" + print(e.right(), 3), 2);
    }

    @Override
    public Printed visitOuter(Expr.Outer e) {
      if (e.shape().isScalar()) {
        return e.isSymmetric() ? atom(print(e.left(), 3) + "²")
            : new Printed(print(e.left(), 2) + " " + print(e.right(), 2), 1);
      }
      // (x − μ)(x − μ)ᵀ needs no space, but u_n u_nᵀ does: u_nu_nᵀ reads as one name.
      String left = print(e.left(), 3);
      String right = print(e.right(), 3);
      String gap = left.endsWith(")") || right.startsWith("(") ? "" : " ";
      return new Printed(left + gap + right + "ᵀ", 2);
    }

    @Override
    public Printed visitQuadInv(Expr.QuadInv e) {
      if (e.matrix().shape().isVector()) {
        return new Printed("Σ_d " + print(e.vector(), 3) + "² / " + print(e.matrix(), 3), 1);
      }
      if (e.matrix().shape().isScalar() && e.vector().shape().isVector()) {
        return new Printed("‖" + print(e.vector(), 0) + "‖² / " + print(e.matrix(), 3), 1);
      }
      if (e.matrix().shape().isScalar()) {
        return new Printed(print(e.vector(), 3) + "² / " + print(e.matrix(), 3), 1);
      }
      String v = print(e.vector(), 3);
      return new Printed(v + "ᵀ " + print(e.matrix(), 3) + "⁻¹ " + v, 1);
    }

    @Override
    public Printed visitLogDet(Expr.LogDet e) {
      if (e.matrix().shape().isVector()) {
        return new Printed("Σ_d log " + print(e.matrix(), 3), 1);
      }
      return e.matrix().shape().isScalar()
          ? new Printed("log " + print(e.matrix(), 3), 2)
          : new Printed("log|" + print(e.matrix(), 0) + "|", 2);
    }

    @Override
    public Printed visitTraceInv(Expr.TraceInv e) {
      if (e.matrix().shape().isVector() || e.weight().shape().isVector()) {
        return new Printed("Σ_d " + print(e.weight(), 2) + " / " + print(e.matrix(), 2), 1);
      }
      return e.matrix().shape().isScalar()
          ? new Printed(print(e.weight(), 2) + " / " + print(e.matrix(), 2), 1)
          : atom("tr(" + print(e.weight(), 1) + " " + print(e.matrix(), 3) + "⁻¹)");
    }

    @Override
    public Printed visitDiag(Expr.Diag e) {
      // Ψ is a diagonal matrix stored as its diagonal; the formulas call it Ψ.
      return atom(e.vector() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.SETTING
          ? name(s.symbol().name()) : "diag(" + print(e.vector(), 0) + ")");
    }

    @Override
    public Printed visitAt(Expr.At e) {
      if (e.vector() instanceof Expr.OneHot h) {
        // An entry of a one-hot vector is an indicator: [a_n = 1].
        return atom("[" + print(h.index(), 0) + " = " + print(e.index(), 0) + "]");
      }
      String index = print(e.index(), 0);
      return atom(print(e.vector(), 3) + (index.length() == 1 ? "_" + index : "[" + index + "]"));
    }

    @Override
    public Printed visitOneHot(Expr.OneHot e) {
      return atom("e(" + print(e.index(), 0) + ")");
    }

    @Override
    public Printed visitRowSum(Expr.RowSum e) {
      return new Printed("Σ_n " + (e.weighted() ? "r_nk " : "") + print(e.body(), 2), 1);
    }

    @Override
    public Printed visitSumK(Expr.SumK e) {
      return new Printed("Σ_k " + print(e.body(), 2), 1);
    }

    @Override
    public Printed visitSum(Expr.Sum e) {
      String range = e.from() == null ? e.index() : "{" + e.index() + "=" + e.from() + "}^{" + e.to() + "}";
      return new Printed("Σ_" + range + " " + print(e.body(), 2), 1);
    }

    @Override
    public Printed visitRelation(Expr.Relation e) {
      return new Printed(print(e.left(), 0) + " " + e.op().text() + " " + print(e.right(), 0), -1);
    }

    @Override
    public Printed visitPartial(Expr.Partial e) {
      return atom("∂/∂" + print(e.wrt(), 3) + " " + print(e.body(), 3));
    }

    @Override
    public Printed visitDensity(Expr.Density e) {
      StringBuilder b = new StringBuilder(e.notation().text()).append('(').append(print(e.value(), 0));
      for (int i = 0; i < e.params().size(); i++) {
        b.append(i == 0 ? " | " : ", ").append(print(e.params().get(i), 0));
      }
      return atom(b.append(')').toString());
    }

    @Override
    public Printed visitInv(Expr.Inv e) {
      return atom(print(e.matrix(), 3) + "⁻¹");
    }

    @Override
    public Printed visitSolve(Expr.Solve e) {
      return new Printed(print(e.matrix(), 3) + "⁻¹ " + print(e.vector(), 2), 1);
    }

    @Override
    public Printed visitMatMul(Expr.MatMul e) {
      return new Printed(print(e.left(), 2) + " " + print(e.right(), 2), 1);
    }

    @Override
    public Printed visitTranspose(Expr.Transpose e) {
      return atom(print(e.matrix(), 3) + "ᵀ");
    }
  }

  private static String symbol(Symbol s) {
    return switch (s.kind()) {
      case COUNT -> "N_k";
      case COUNTS -> "(N_1, …, N_K)";
      case TOTAL -> "N";
      case COMPONENT -> "k";
      case RESPONSIBILITY, INDICATOR -> name(s.name()) + (s.perRow() ? "_n" : "") + (s.perComponent() ? (s.perRow() ? "k" : "_k") : "");
      default -> name(s.name()) + (s.perRow() ? "_n" : s.perComponent() ? "_k" : "");
    };
  }

  static String number(double v) {
    if (v == 2 * Math.PI) {
      return "2π";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
