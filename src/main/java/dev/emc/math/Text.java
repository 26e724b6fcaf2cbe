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

  // Precedence: 0 sum, 1 product, 2 unary, 3 atom.
  private static String print(Expr e, int context) {
    if (e instanceof Expr.Num n) {
      return number(n.value());
    }
    if (e instanceof Expr.Sym s) {
      return symbol(s.symbol());
    }
    if (e instanceof Expr.Identity) {
      return "I";
    }
    if (e instanceof Expr.Size z) {
      return z.dim().toString();
    }
    if (e instanceof Expr.Fill f) {
      return print(f.value(), 3) + "·1";
    }
    if (e instanceof Expr.Neg n) {
      return wrap("−" + print(n.operand(), 2), 2, context);
    }
    if (e instanceof Expr.Add a) {
      if (a.right() instanceof Expr.Mul m && m.left() instanceof Expr.Num n && n.value() < 0) {
        Expr positive = new Expr.Mul(new Expr.Num(-n.value()), m.right());
        return wrap(print(a.left(), 0) + " − " + print(positive, 1), 0, context);
      }
      return wrap(print(a.left(), 0) + " + " + print(a.right(), 1), 0, context);
    }
    if (e instanceof Expr.Sub s) {
      return wrap(print(s.left(), 0) + " − " + print(s.right(), 1), 0, context);
    }
    if (e instanceof Expr.Mul m) {
      if (m.left() instanceof Expr.Num n && n.value() == 0.5) {
        return wrap("½ " + print(m.right(), 2), 1, context);
      }
      if (m.left() instanceof Expr.Num n && n.value() == -0.5) {
        return wrap("−½ " + print(m.right(), 2), 2, context);
      }
      return wrap(print(m.left(), 1) + " " + print(m.right(), 2), 1, context);
    }
    if (e instanceof Expr.Div d) {
      return wrap(print(d.left(), 2) + " / " + print(d.right(), 2), 1, context);
    }
    if (e instanceof Expr.Apply a && a.asWritten() != a) {
      return print(a.asWritten(), context);
    }
    if (e instanceof Expr.Apply a) {
      if (a.args().size() > 1) {
        return a.function().text() + "(" + String.join(", ", a.args().stream().map(x -> print(x, 0)).toList()) + ")";
      }
      return wrap(a.function().text() + " " + print(a.arg(), 3), 2, context);
    }
    if (e instanceof Expr.Hadamard h) {
      return wrap(print(h.left(), 2) + " ∘ " + print(h.right(), 2), 1, context);
    }
    if (e instanceof Expr.Total t) {
      return wrap("Σ_d " + print(t.vector(), 2), 1, context);
    }
    if (e instanceof Expr.Dot d) {
      return wrap(print(d.left(), 3) + "ᵀ" + print(d.right(), 3), 2, context);
    }
    if (e instanceof Expr.Outer o) {
      if (o.shape().isScalar()) {
        return o.isSymmetric() ? print(o.left(), 3) + "²" : wrap(print(o.left(), 2) + " " + print(o.right(), 2), 1, context);
      }
      // (x − μ)(x − μ)ᵀ needs no space, but u_n u_nᵀ does: u_nu_nᵀ reads as one name.
      String left = print(o.left(), 3);
      String right = print(o.right(), 3);
      String gap = left.endsWith(")") || right.startsWith("(") ? "" : " ";
      return wrap(left + gap + right + "ᵀ", 2, context);
    }
    if (e instanceof Expr.QuadInv q) {
      if (q.matrix().shape().isVector()) {
        return wrap("Σ_d " + print(q.vector(), 3) + "² / " + print(q.matrix(), 3), 1, context);
      }
      if (q.matrix().shape().isScalar() && q.vector().shape().isVector()) {
        return wrap("‖" + print(q.vector(), 0) + "‖² / " + print(q.matrix(), 3), 1, context);
      }
      if (q.shape().isScalar() && q.matrix().shape().isScalar()) {
        return wrap(print(q.vector(), 3) + "² / " + print(q.matrix(), 3), 1, context);
      }
      String v = print(q.vector(), 3);
      return wrap(v + "ᵀ " + print(q.matrix(), 3) + "⁻¹ " + v, 1, context);
    }
    if (e instanceof Expr.LogDet l) {
      if (l.matrix().shape().isVector()) {
        return wrap("Σ_d log " + print(l.matrix(), 3), 1, context);
      }
      return l.matrix().shape().isScalar()
          ? wrap("log " + print(l.matrix(), 3), 2, context)
          : wrap("log|" + print(l.matrix(), 0) + "|", 2, context);
    }
    if (e instanceof Expr.TraceInv t) {
      if (t.matrix().shape().isVector() || t.weight().shape().isVector()) {
        return wrap("Σ_d " + print(t.weight(), 2) + " / " + print(t.matrix(), 2), 1, context);
      }
      return t.matrix().shape().isScalar()
          ? wrap(print(t.weight(), 2) + " / " + print(t.matrix(), 2), 1, context)
          : "tr(" + print(t.weight(), 1) + " " + print(t.matrix(), 3) + "⁻¹)";
    }
    if (e instanceof Expr.Diag d) {
      // Ψ is a diagonal matrix stored as its diagonal; the formulas call it Ψ.
      return d.vector() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.SETTING
          ? name(s.symbol().name()) : "diag(" + print(d.vector(), 0) + ")";
    }
    if (e instanceof Expr.At a) {
      String index = print(a.index(), 0);
      return print(a.vector(), 3) + (index.length() == 1 ? "_" + index : "[" + index + "]");
    }
    if (e instanceof Expr.OneHot o) {
      return "e(" + print(o.index(), 0) + ")";
    }
    if (e instanceof Expr.Relation r) {
      return wrap(print(r.left(), 0) + " " + r.op().text() + " " + print(r.right(), 0), -1, context);
    }
    if (e instanceof Expr.Partial p) {
      return "∂/∂" + print(p.wrt(), 3) + " " + print(p.body(), 3);
    }
    if (e instanceof Expr.Density d) {
      StringBuilder b = new StringBuilder(d.notation().text()).append('(').append(print(d.value(), 0));
      for (int i = 0; i < d.params().size(); i++) {
        b.append(i == 0 ? " | " : ", ").append(print(d.params().get(i), 0));
      }
      return b.append(')').toString();
    }
    if (e instanceof Expr.Inv i) {
      return print(i.matrix(), 3) + "⁻¹";
    }
    if (e instanceof Expr.Transpose t) {
      return print(t.matrix(), 3) + "ᵀ";
    }
    if (e instanceof Expr.Solve v) {
      return wrap(print(v.matrix(), 3) + "⁻¹ " + print(v.vector(), 2), 1, context);
    }
    if (e instanceof Expr.MatMul m) {
      return wrap(print(m.left(), 2) + " " + print(m.right(), 2), 1, context);
    }
    if (e instanceof Expr.RowSum r) {
      return wrap("Σ_n " + (r.weighted() ? "r_nk " : "") + print(r.body(), 2), 1, context);
    }
    if (e instanceof Expr.Sum s) {
      String range = s.from() == null ? s.index() : "{" + s.index() + "=" + s.from() + "}^{" + s.to() + "}";
      return wrap("Σ_" + range + " " + print(s.body(), 2), 1, context);
    }
    Expr.SumK s = (Expr.SumK) e;
    return wrap("Σ_k " + print(s.body(), 2), 1, context);
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

  private static String wrap(String text, int level, int context) {
    return level < context ? "(" + text + ")" : text;
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
