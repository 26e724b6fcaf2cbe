package dev.emc.derive;

import dev.emc.derive.MathWriter.Style;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.math.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * A formula's typesetting structure, written through a {@link MathWriter}: LaTeX and MathML
 * come out of the same decisions. Vectors and matrices are bold; μ_k, x_n and r_nk carry their
 * indices; −½ is a fraction; Σ_k is a big operator with its range; parentheses only where the
 * precedence needs them.
 */
final class Formula {
  // Precedence, loosest first: a relation, a sum, a negation, a product, a function applied
  // without parentheses (log x), an atom.
  private static final int REL = 0;
  private static final int SUM = 1;
  private static final int NEG = 2;
  private static final int PROD = 3;
  private static final int FUNC = 4;
  private static final int ATOM = 5;
  private record T(String text, int prec) {}

  private final MathWriter w;

  Formula(MathWriter w) {
    this.w = w;
  }

  String of(Expr e) {
    return print(e, "k").text();
  }

  private String at(Expr e, String k, int context) {
    T t = print(e, k);
    return t.prec < context ? w.parens(t.text) : t.text;
  }

  private T atom(String s) {
    return new T(s, ATOM);
  }

  private T print(Expr e, String k) {
    if (e instanceof Expr.Num n) {
      return new T(w.number(number(n.value())), n.value() < 0 ? NEG : ATOM);
    }
    if (e instanceof Expr.Sym s) {
      return atom(symbol(s.symbol(), k));
    }
    if (e instanceof Expr.Size z) {
      return atom(w.identifier(z.dim().toString(), Style.PLAIN));
    }
    if (e instanceof Expr.Identity) {
      return atom(w.identifier("I", Style.BOLD));
    }
    if (e instanceof Expr.Fill f) {
      return new T(w.row(at(f.value(), k, FUNC), w.identifier("1", Style.BOLD)), PROD);
    }
    if (e instanceof Expr.Neg n) {
      return new T(w.row(w.operator("−"), at(n.operand(), k, PROD)), NEG);
    }
    if (e instanceof Expr.Add a) {
      if (a.right() instanceof Expr.Mul m && m.left() instanceof Expr.Num n && n.value() < 0) {
        Expr positive = new Expr.Mul(new Expr.Num(-n.value()), m.right());
        return new T(w.row(at(a.left(), k, SUM), w.operator("−"), at(positive, k, PROD)), SUM);
      }
      if (a.right() instanceof Expr.Neg neg) {
        return new T(w.row(at(a.left(), k, SUM), w.operator("−"), at(neg.operand(), k, PROD)), SUM);
      }
      return new T(w.row(at(a.left(), k, SUM), w.operator("+"), at(a.right(), k, PROD)), SUM);
    }
    if (e instanceof Expr.Sub s) {
      return new T(w.row(at(s.left(), k, SUM), w.operator("−"), at(s.right(), k, PROD)), SUM);
    }
    if (e instanceof Expr.Mul m) {
      if (m.left() instanceof Expr.Num n && Math.abs(n.value()) == 0.5) {
        String body = w.row(w.half(), at(m.right(), k, PROD));
        return n.value() < 0 ? new T(w.row(w.operator("−"), body), NEG) : new T(body, PROD);
      }
      if (m.left() instanceof Expr.Num n && n.value() == -1) {
        return new T(w.row(w.operator("−"), at(m.right(), k, PROD)), NEG);
      }
      return new T(w.row(leftFactor(m.left(), k), w.times(), at(m.right(), k, PROD)), PROD);
    }
    if (e instanceof Expr.Div d) {
      return atom(w.frac(print(d.left(), k).text, print(d.right(), k).text));
    }
    if (e instanceof Expr.Apply a) {
      String name = a.function().name();
      if (name.equals("log") || name.equals("exp")) {
        return new T(w.row(w.operator(name), at(a.arg(), k, ATOM)), FUNC);
      }
      return atom(w.row(w.raw(a.function().tex(), "<mi>" + MathMlWriter.escape(a.function().text()) + "</mi>"),
          w.parens(print(a.arg(), k).text)));
    }
    if (e instanceof Expr.Dot d) {
      return new T(w.row(w.sup(transposable(d.left(), k), w.operator("⊤")), transposable(d.right(), k)), PROD);
    }
    if (e instanceof Expr.Outer o) {
      if (o.shape().isScalar()) {
        return o.isSymmetric() ? atom(w.sup(transposable(o.left(), k), w.number("2")))
            : new T(w.row(at(o.left(), k, PROD), at(o.right(), k, FUNC)), PROD);
      }
      return new T(w.row(transposable(o.left(), k), w.sup(transposable(o.right(), k), w.operator("⊤"))), PROD);
    }
    if (e instanceof Expr.QuadInv q) {
      if (q.matrix().shape().isScalar()) {
        return atom(w.frac(w.sup(transposable(q.vector(), k), w.number("2")), print(q.matrix(), k).text));
      }
      String v = transposable(q.vector(), k);
      return new T(w.row(w.sup(v, w.operator("⊤")), w.sup(at(q.matrix(), k, ATOM), w.number("−1")), v), PROD);
    }
    if (e instanceof Expr.LogDet l) {
      if (l.matrix().shape().isScalar()) {
        return new T(w.row(w.operator("log"), at(l.matrix(), k, ATOM)), FUNC);
      }
      return new T(w.row(w.operator("log"), w.bars(print(l.matrix(), k).text)), FUNC);
    }
    if (e instanceof Expr.TraceInv t) {
      if (t.matrix().shape().isScalar()) {
        return atom(w.frac(print(t.weight(), k).text, print(t.matrix(), k).text));
      }
      return atom(w.row(w.operator("tr"), w.parens(w.row(at(t.weight(), k, PROD),
          w.sup(at(t.matrix(), k, ATOM), w.number("−1"))))));
    }
    if (e instanceof Expr.Diag d) {
      if (d.vector() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.SETTING) {
        // Ψ is a diagonal matrix; the derivation writes it as one.
        return atom(symbol(new Symbol(s.symbol().name(), s.symbol().kind(), Shape.matrix(d.shape().dim()),
            false, false), k));
      }
      return atom(w.row(w.operator("diag"), w.parens(print(d.vector(), k).text)));
    }
    if (e instanceof Expr.At a) {
      String index = a.index() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.COMPONENT
          ? w.identifier(k, Style.PLAIN) : print(a.index(), k).text;
      if (a.vector() instanceof Expr.Sym s) {
        Symbol v = s.symbol();
        String base = w.identifier(Text.name(base(v.name())), Style.PLAIN);
        String sub = v.perComponent() ? w.row(w.identifier(k, Style.PLAIN), w.operator(","), index) : index;
        return atom(w.sub(base, sub));
      }
      return atom(w.sub(at(a.vector(), k, ATOM), index));
    }
    if (e instanceof Expr.OneHot o) {
      return atom(w.sub(w.identifier("e", Style.BOLD), print(o.index(), k).text));
    }
    if (e instanceof Expr.SumK s) {
      String index = s.index();
      return new T(w.sum(w.row(w.identifier(index, Style.PLAIN), w.operator("="), w.number("1")),
          w.identifier("K", Style.PLAIN), at(s.body(), index, PROD)), FUNC);
    }
    if (e instanceof Expr.RowSum r) {
      String body = r.weighted()
          ? w.row(symbol(new Symbol("r", Symbol.Kind.RESPONSIBILITY, Shape.SCALAR, true, true), k), at(r.body(), k, PROD))
          : at(r.body(), k, PROD);
      return new T(w.sum(w.row(w.identifier("n", Style.PLAIN), w.operator("="), w.number("1")),
          w.identifier("N", Style.PLAIN), body), FUNC);
    }
    if (e instanceof Expr.Relation r) {
      return new T(w.row(print(r.left(), k).text, w.operator(r.op().text()), print(r.right(), k).text), REL);
    }
    if (e instanceof Expr.Partial p) {
      String d = w.frac(w.operator("∂"), w.row(w.operator("∂"), at(p.wrt(), k, ATOM)));
      return new T(w.row(d, w.parens(print(p.body(), k).text)), PROD);
    }
    if (e instanceof Expr.Density d) {
      List<String> parts = new ArrayList<>();
      parts.add(print(d.value(), k).text);
      for (int i = 0; i < d.params().size(); i++) {
        parts.add(w.operator(i == 0 ? "|" : ","));
        parts.add(print(d.params().get(i), k).text);
      }
      return atom(w.row(w.raw(d.notation().tex(), d.notation().mathml()), w.parens(w.row(parts.toArray(String[]::new)))));
    }
    if (e instanceof Expr.Inv i) {
      return atom(w.sup(at(i.matrix(), k, ATOM), w.number("−1")));
    }
    if (e instanceof Expr.MatMul m) {
      return new T(w.row(at(m.left(), k, PROD), w.times(), at(m.right(), k, FUNC)), PROD);
    }
    throw new IllegalArgumentException("cannot typeset " + e);
  }

  /** x_n, μ_k, Σ, Ψ_x, S1_{x,k}, r_nk, N_k, (N_1, …, N_K). */
  private String symbol(Symbol s, String k) {
    Shape shape = s.shape();
    Style style = shape.isScalar() ? Style.PLAIN : Style.BOLD;
    return switch (s.kind()) {
      case COUNT -> w.sub(w.identifier("N", Style.PLAIN), w.identifier(k, Style.PLAIN));
      case COUNTS -> w.parens(w.row(w.sub(w.identifier("N", Style.PLAIN), w.number("1")), w.operator(","),
          w.operator("…"), w.operator(","), w.sub(w.identifier("N", Style.PLAIN), w.identifier("K", Style.PLAIN))));
      case TOTAL -> w.identifier("N", Style.PLAIN);
      case COMPONENT -> w.identifier(k, Style.PLAIN);
      case NAME -> s.name().indexOf('_') > 0
          ? w.sub(w.identifier(Text.name(base(s.name())), Style.PLAIN),
              w.identifier(s.name().substring(s.name().indexOf('_') + 1), Style.PLAIN))
          : w.identifier(Text.name(s.name()), Style.PLAIN);
      default -> {
        List<String> scripts = new ArrayList<>();
        String name = s.name();
        int underscore = name.indexOf('_');
        if (underscore > 0) {
          scripts.add(w.identifier(name.substring(underscore + 1), Style.PLAIN));
          name = name.substring(0, underscore);
        }
        if (s.perRow() && s.perComponent()) {
          scripts.add(w.row(w.identifier("n", Style.PLAIN), w.identifier(k, Style.PLAIN)));
        } else if (s.perRow() || s.perComponent()) {
          scripts.add(w.identifier(s.perRow() ? "n" : k, Style.PLAIN));
        }
        String base = w.identifier(Text.name(name), style);
        yield scripts.isEmpty() ? base : w.sub(base, scripts.size() == 1 ? scripts.get(0)
            : w.row(scripts.get(0), w.operator(","), scripts.get(1)));
      }
    };
  }

  /**
   * The left factor of a product: a prefix operator (log, Σ) there would take the right factor
   * into its argument, so it gets parentheses too.
   */
  private String leftFactor(Expr e, String k) {
    T t = print(e, k);
    return t.prec < PROD || t.prec == FUNC ? w.parens(t.text) : t.text;
  }

  /** An operand of a transpose or a square: a symbol as it is, anything else in parentheses. */
  private String transposable(Expr e, String k) {
    T t = print(e, k);
    return e instanceof Expr.Sym ? t.text : w.parens(t.text);
  }

  private static String base(String name) {
    int underscore = name.indexOf('_');
    return underscore > 0 ? name.substring(0, underscore) : name;
  }

  private static String number(double v) {
    if (v == 2 * Math.PI) {
      return "2π";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return v < 0 ? "−" + (long) -v : Long.toString((long) v);
    }
    return Double.toString(v).replace("-", "−");
  }
}
