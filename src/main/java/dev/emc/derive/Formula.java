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
    return print(e, new Ctx("k", null)).text();
  }

  /**
   * Which letters the indices are: k for the component (j in a second sum), and, inside a sum
   * over a vector's elements, d for the element, which makes x_n the number x_nd.
   */
  private record Ctx(String k, String d) {
    Ctx withK(String letter) {
      return new Ctx(letter, d);
    }

    Ctx elements() {
      return new Ctx(k, "d");
    }
  }

  private String at(Expr e, Ctx k, int context) {
    T t = print(e, k);
    return t.prec < context ? w.parens(t.text) : t.text;
  }

  private T atom(String s) {
    return new T(s, ATOM);
  }

  private T print(Expr e, Ctx k) {
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
    if (e instanceof Expr.Apply a && a.asWritten() != a) {
      return print(a.asWritten(), k);
    }
    if (e instanceof Expr.Apply a) {
      String name = a.function().name();
      if (name.equals("sqrt") && a.args().size() == 1) {
        return atom(w.sqrt(print(a.arg(), k).text));
      }
      if ((name.equals("log") || name.equals("exp")) && a.args().size() == 1) {
        return new T(w.row(w.operator(name), at(a.arg(), k, ATOM)), FUNC);
      }
      List<String> args = new ArrayList<>();
      for (int i = 0; i < a.args().size(); i++) {
        if (i > 0) {
          args.add(w.operator(","));
        }
        args.add(print(a.args().get(i), k).text);
      }
      return atom(w.row(w.raw(a.function().tex(), "<mi>" + MathMlWriter.escape(a.function().text()) + "</mi>"),
          w.parens(w.row(args.toArray(String[]::new)))));
    }
    if (e instanceof Expr.Hadamard h) {
      return k.d() != null ? new T(w.row(at(h.left(), k, PROD), w.times(), at(h.right(), k, FUNC)), PROD)
          : new T(w.row(at(h.left(), k, FUNC), w.operator("∘"), at(h.right(), k, FUNC)), PROD);
    }
    if (e instanceof Expr.Total t) {
      return elementSum(t.vector().shape(), at(t.vector(), k.elements(), PROD));
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
      if (q.matrix().shape().isVector()) {
        // A diagonal: Σ_d (v_d)² / m_d.
        Ctx el = k.elements();
        return elementSum(q.vector().shape(),
            w.frac(w.sup(transposable(q.vector(), el), w.number("2")), print(q.matrix(), el).text));
      }
      if (q.matrix().shape().isScalar() && q.vector().shape().isVector()) {
        // A multiple of the identity: ‖v‖² / m.
        return atom(w.frac(w.sup(w.norm(print(q.vector(), k).text), w.number("2")), print(q.matrix(), k).text));
      }
      if (q.matrix().shape().isScalar()) {
        return atom(w.frac(w.sup(transposable(q.vector(), k), w.number("2")), print(q.matrix(), k).text));
      }
      String v = transposable(q.vector(), k);
      return new T(w.row(w.sup(v, w.operator("⊤")), w.sup(at(q.matrix(), k, ATOM), w.number("−1")), v), PROD);
    }
    if (e instanceof Expr.LogDet l) {
      if (l.matrix().shape().isVector()) {
        return elementSum(l.matrix().shape(), w.row(w.operator("log"), at(l.matrix(), k.elements(), ATOM)));
      }
      if (l.matrix().shape().isScalar()) {
        return new T(w.row(w.operator("log"), at(l.matrix(), k, ATOM)), FUNC);
      }
      return new T(w.row(w.operator("log"), w.bars(print(l.matrix(), k).text)), FUNC);
    }
    if (e instanceof Expr.TraceInv t) {
      if (t.matrix().shape().isVector()) {
        Ctx el = k.elements();
        return elementSum(t.matrix().shape(), w.frac(print(t.weight(), el).text, print(t.matrix(), el).text));
      }
      if (t.matrix().shape().isScalar() && t.weight().shape().isVector()) {
        return atom(w.frac(elementSum(t.weight().shape(), print(t.weight(), k.elements()).text).text,
            print(t.matrix(), k).text));
      }
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
          ? w.identifier(k.k(), Style.PLAIN) : print(a.index(), k).text;
      if (a.vector() instanceof Expr.Sym s) {
        Symbol v = s.symbol();
        String base = w.identifier(Text.name(base(v.name())), Style.PLAIN);
        String sub = v.perComponent() ? w.row(w.identifier(k.k(), Style.PLAIN), w.operator(","), index) : index;
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
          w.identifier("K", Style.PLAIN), at(s.body(), k.withK(index), PROD)), FUNC);
    }
    if (e instanceof Expr.Sum s) {
      String index = w.identifier(s.index(), Style.PLAIN);
      return new T(s.from() == null ? w.sum(index, null, at(s.body(), k, PROD))
          : w.sum(w.row(index, w.operator("="), bound(s.from())), bound(s.to()), at(s.body(), k, PROD)), FUNC);
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
    if (e instanceof Expr.Transpose t) {
      return atom(w.sup(at(t.matrix(), k, ATOM), w.identifier("T", MathWriter.Style.PLAIN)));
    }
    if (e instanceof Expr.MatMul m && k.d() != null) {
      // In a sum over elements, element d of the product: its operands' elements are not d's.
      return atom(w.sub(w.parens(print(m, new Ctx(k.k(), null)).text), w.identifier(k.d(), Style.PLAIN)));
    }
    if (e instanceof Expr.MatMul m) {
      // (A ∘ B) v: the element-wise product is not the matrix product it stands next to.
      int left = m.left() instanceof Expr.Hadamard ? ATOM : PROD;
      return new T(w.row(at(m.left(), k, left), w.times(), at(m.right(), k, FUNC)), PROD);
    }
    if (e instanceof Expr.Solve v) {
      return new T(w.row(w.sup(at(v.matrix(), k, ATOM), w.number("−1")), w.times(), at(v.vector(), k, FUNC)), PROD);
    }
    throw new IllegalArgumentException("cannot typeset " + e);
  }

  /** x_n, μ_k, Σ, Ψ_x, S1_{x,k}, r_nk, N_k, (N_1, …, N_K). */
  private String symbol(Symbol s, Ctx k) {
    Shape shape = s.shape();
    // Inside a sum over elements a vector's symbol is its element: x_n becomes x_nd.
    boolean element = k.d() != null && shape.isVector();
    Style style = shape.isScalar() || element ? Style.PLAIN : Style.BOLD;
    return switch (s.kind()) {
      case COUNT -> w.sub(w.identifier("N", Style.PLAIN), w.identifier(k.k(), Style.PLAIN));
      case COUNTS -> w.parens(w.row(w.sub(w.identifier("N", Style.PLAIN), w.number("1")), w.operator(","),
          w.operator("…"), w.operator(","), w.sub(w.identifier("N", Style.PLAIN), w.identifier("K", Style.PLAIN))));
      case TOTAL -> w.identifier("N", Style.PLAIN);
      case COMPONENT -> w.identifier(k.k(), Style.PLAIN);
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
        List<String> letters = new ArrayList<>();
        if (s.perRow()) {
          letters.add(w.identifier("n", Style.PLAIN));
        }
        if (s.perComponent()) {
          letters.add(w.identifier(k.k(), Style.PLAIN));
        }
        if (element) {
          letters.add(w.identifier(k.d(), Style.PLAIN));
        }
        if (!letters.isEmpty()) {
          scripts.add(letters.size() == 1 ? letters.get(0) : w.row(letters.toArray(String[]::new)));
        }
        String base = w.identifier(Text.name(name), style);
        yield scripts.isEmpty() ? base : w.sub(base, scripts.size() == 1 ? scripts.get(0)
            : w.row(scripts.get(0), w.operator(","), scripts.get(1)));
      }
    };
  }

  /** A sum's bound: a number or a letter. */
  private String bound(String b) {
    return b.chars().allMatch(Character::isDigit) ? w.number(b) : w.identifier(b, Style.PLAIN);
  }

  /** Σ_{d=1}^{D} body, over a vector's elements. */
  private T elementSum(Shape shape, String body) {
    return new T(w.sum(w.row(w.identifier("d", Style.PLAIN), w.operator("="), w.number("1")),
        w.identifier(shape.dim().toString(), Style.PLAIN), body), FUNC);
  }

  /**
   * The left factor of a product: a prefix operator (log, Σ) there would take the right factor
   * into its argument, so it gets parentheses too.
   */
  private String leftFactor(Expr e, Ctx k) {
    T t = print(e, k);
    return t.prec < PROD || t.prec == FUNC ? w.parens(t.text) : t.text;
  }

  /** An operand of a transpose or a square: a symbol as it is, anything else in parentheses. */
  private String transposable(Expr e, Ctx k) {
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
