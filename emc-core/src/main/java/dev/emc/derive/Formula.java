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
    return e.accept(new Typesetter(k));
  }

  /** One node's structure, with the index letters {@code k} gives; operands through {@link #at}. */
  private final class Typesetter implements Expr.Visitor<T> {
    private final Ctx k;

    Typesetter(Ctx k) {
      this.k = k;
    }

    @Override
    public T visitNum(Expr.Num e) {
      return new T(w.number(number(e.value())), e.value() < 0 ? NEG : ATOM);
    }

    @Override
    public T visitSym(Expr.Sym e) {
      return atom(symbol(e.symbol(), k));
    }

    @Override
    public T visitSize(Expr.Size e) {
      return atom(w.identifier(e.dim().toString(), Style.PLAIN));
    }

    @Override
    public T visitFill(Expr.Fill e) {
      return new T(w.row(at(e.value(), k, FUNC), w.identifier("1", Style.BOLD)), PROD);
    }

    @Override
    public T visitIdentity(Expr.Identity e) {
      return atom(w.identifier("I", Style.BOLD));
    }

    @Override
    public T visitNeg(Expr.Neg e) {
      return new T(w.row(w.operator("−"), at(e.operand(), k, PROD)), NEG);
    }

    @Override
    public T visitAdd(Expr.Add e) {
      if (e.right() instanceof Expr.Mul m && m.left() instanceof Expr.Num n && n.value() < 0) {
        Expr positive = new Expr.Mul(new Expr.Num(-n.value()), m.right());
        return new T(w.row(at(e.left(), k, SUM), w.operator("−"), at(positive, k, PROD)), SUM);
      }
      if (e.right() instanceof Expr.Neg neg) {
        return new T(w.row(at(e.left(), k, SUM), w.operator("−"), at(neg.operand(), k, PROD)), SUM);
      }
      return new T(w.row(at(e.left(), k, SUM), w.operator("+"), at(e.right(), k, PROD)), SUM);
    }

    @Override
    public T visitSub(Expr.Sub e) {
      return new T(w.row(at(e.left(), k, SUM), w.operator("−"), at(e.right(), k, PROD)), SUM);
    }

    @Override
    public T visitMul(Expr.Mul e) {
      if (e.left() instanceof Expr.Num n && Math.abs(n.value()) == 0.5) {
        String body = w.row(w.half(), at(e.right(), k, PROD));
        return n.value() < 0 ? new T(w.row(w.operator("−"), body), NEG) : new T(body, PROD);
      }
      if (e.left() instanceof Expr.Num n && n.value() == -1) {
        return new T(w.row(w.operator("−"), at(e.right(), k, PROD)), NEG);
      }
      return new T(w.row(leftFactor(e.left(), k), w.times(), at(e.right(), k, PROD)), PROD);
    }

    @Override
    public T visitDiv(Expr.Div e) {
      return atom(w.frac(print(e.left(), k).text, print(e.right(), k).text));
    }

    @Override
    public T visitApply(Expr.Apply e) {
      if (e.asWritten() != e) {
        return print(e.asWritten(), k);
      }
      String name = e.function().name();
      if (name.equals("sqrt") && e.args().size() == 1) {
        return atom(w.sqrt(print(e.arg(), k).text));
      }
      if ((name.equals("log") || name.equals("exp")) && e.args().size() == 1) {
        return new T(w.row(w.operator(name), at(e.arg(), k, ATOM)), FUNC);
      }
      List<String> args = new ArrayList<>();
      for (int i = 0; i < e.args().size(); i++) {
        if (i > 0) {
          args.add(w.operator(","));
        }
        args.add(print(e.args().get(i), k).text);
      }
      return atom(w.row(w.raw(e.function().tex(), "<mi>" + MathMlWriter.escape(e.function().text()) + "</mi>"),
          w.parens(w.row(args.toArray(String[]::new)))));
    }

    @Override
    public T visitHadamard(Expr.Hadamard e) {
      return k.d() != null ? new T(w.row(at(e.left(), k, PROD), w.times(), at(e.right(), k, FUNC)), PROD)
          : new T(w.row(at(e.left(), k, FUNC), w.operator("∘"), at(e.right(), k, FUNC)), PROD);
    }

    @Override
    public T visitTotal(Expr.Total e) {
      return elementSum(e.vector().shape(), at(e.vector(), k.elements(), PROD));
    }

    @Override
    public T visitDot(Expr.Dot e) {
      return new T(w.row(w.sup(transposable(e.left(), k), w.operator("⊤")), transposable(e.right(), k)), PROD);
    }

    @Override
    public T visitOuter(Expr.Outer e) {
      if (e.shape().isScalar()) {
        return e.isSymmetric() ? atom(w.sup(transposable(e.left(), k), w.number("2")))
            : new T(w.row(at(e.left(), k, PROD), at(e.right(), k, FUNC)), PROD);
      }
      return new T(w.row(transposable(e.left(), k), w.sup(transposable(e.right(), k), w.operator("⊤"))), PROD);
    }

    @Override
    public T visitQuadInv(Expr.QuadInv e) {
      if (e.matrix().shape().isVector()) {
        // A diagonal: Σ_d (v_d)² / m_d.
        Ctx el = k.elements();
        return elementSum(e.vector().shape(),
            w.frac(w.sup(transposable(e.vector(), el), w.number("2")), print(e.matrix(), el).text));
      }
      if (e.matrix().shape().isScalar() && e.vector().shape().isVector()) {
        // A multiple of the identity: ‖v‖² / m.
        return atom(w.frac(w.sup(w.norm(print(e.vector(), k).text), w.number("2")), print(e.matrix(), k).text));
      }
      if (e.matrix().shape().isScalar()) {
        return atom(w.frac(w.sup(transposable(e.vector(), k), w.number("2")), print(e.matrix(), k).text));
      }
      String v = transposable(e.vector(), k);
      return new T(w.row(w.sup(v, w.operator("⊤")), w.sup(at(e.matrix(), k, ATOM), w.number("−1")), v), PROD);
    }

    @Override
    public T visitLogDet(Expr.LogDet e) {
      if (e.matrix().shape().isVector()) {
        return elementSum(e.matrix().shape(), w.row(w.operator("log"), at(e.matrix(), k.elements(), ATOM)));
      }
      if (e.matrix().shape().isScalar()) {
        return new T(w.row(w.operator("log"), at(e.matrix(), k, ATOM)), FUNC);
      }
      return new T(w.row(w.operator("log"), w.bars(print(e.matrix(), k).text)), FUNC);
    }

    @Override
    public T visitTraceInv(Expr.TraceInv e) {
      if (e.matrix().shape().isVector()) {
        Ctx el = k.elements();
        return elementSum(e.matrix().shape(), w.frac(print(e.weight(), el).text, print(e.matrix(), el).text));
      }
      if (e.matrix().shape().isScalar() && e.weight().shape().isVector()) {
        return atom(w.frac(elementSum(e.weight().shape(), print(e.weight(), k.elements()).text).text,
            print(e.matrix(), k).text));
      }
      if (e.matrix().shape().isScalar()) {
        return atom(w.frac(print(e.weight(), k).text, print(e.matrix(), k).text));
      }
      return atom(w.row(w.operator("tr"), w.parens(w.row(at(e.weight(), k, PROD),
          w.sup(at(e.matrix(), k, ATOM), w.number("−1"))))));
    }

    @Override
    public T visitDiag(Expr.Diag e) {
      if (e.vector() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.SETTING) {
        // Ψ is a diagonal matrix; the derivation writes it as one.
        return atom(symbol(new Symbol(s.symbol().name(), s.symbol().kind(), Shape.matrix(e.shape().dim()),
            false, false), k));
      }
      return atom(w.row(w.operator("diag"), w.parens(print(e.vector(), k).text)));
    }

    @Override
    public T visitAt(Expr.At e) {
      if (e.vector() instanceof Expr.OneHot h) {
        // An entry of a one-hot vector is an indicator, written as Iverson's bracket: [a_n = 1].
        return atom(w.row(w.operator("["), print(h.index(), k).text, w.operator("="), print(e.index(), k).text,
            w.operator("]")));
      }
      String index = e.index() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.COMPONENT
          ? w.identifier(k.k(), Style.PLAIN) : print(e.index(), k).text;
      if (e.vector() instanceof Expr.Sym s) {
        Symbol v = s.symbol();
        String base = w.identifier(Text.name(base(v.name())), Style.PLAIN);
        String sub = v.perComponent() ? w.row(w.identifier(k.k(), Style.PLAIN), w.operator(","), index) : index;
        return atom(w.sub(base, sub));
      }
      return atom(w.sub(at(e.vector(), k, ATOM), index));
    }

    @Override
    public T visitOneHot(Expr.OneHot e) {
      return atom(w.sub(w.identifier("e", Style.BOLD), print(e.index(), k).text));
    }

    @Override
    public T visitRowSum(Expr.RowSum e) {
      String body = e.weighted()
          ? w.row(symbol(new Symbol("r", Symbol.Kind.RESPONSIBILITY, Shape.SCALAR, true, true), k), at(e.body(), k, PROD))
          : at(e.body(), k, PROD);
      return new T(w.sum(w.row(w.identifier("n", Style.PLAIN), w.operator("="), w.number("1")),
          w.identifier("N", Style.PLAIN), body), FUNC);
    }

    @Override
    public T visitSumK(Expr.SumK e) {
      String index = e.index();
      return new T(w.sum(w.row(w.identifier(index, Style.PLAIN), w.operator("="), w.number("1")),
          w.identifier("K", Style.PLAIN), at(e.body(), k.withK(index), PROD)), FUNC);
    }

    @Override
    public T visitSum(Expr.Sum e) {
      String index = w.identifier(e.index(), Style.PLAIN);
      return new T(e.from() == null ? w.sum(index, null, at(e.body(), k, PROD))
          : w.sum(w.row(index, w.operator("="), bound(e.from())), bound(e.to()), at(e.body(), k, PROD)), FUNC);
    }

    @Override
    public T visitRelation(Expr.Relation e) {
      return new T(w.row(print(e.left(), k).text, w.operator(e.op().text()), print(e.right(), k).text), REL);
    }

    @Override
    public T visitPartial(Expr.Partial e) {
      String d = w.frac(w.operator("∂"), w.row(w.operator("∂"), at(e.wrt(), k, ATOM)));
      return new T(w.row(d, w.parens(print(e.body(), k).text)), PROD);
    }

    @Override
    public T visitDensity(Expr.Density e) {
      List<String> parts = new ArrayList<>();
      parts.add(print(e.value(), k).text);
      for (int i = 0; i < e.params().size(); i++) {
        parts.add(w.operator(i == 0 ? "|" : ","));
        parts.add(print(e.params().get(i), k).text);
      }
      return atom(w.row(w.raw(e.notation().tex(), e.notation().mathml()), w.parens(w.row(parts.toArray(String[]::new)))));
    }

    @Override
    public T visitInv(Expr.Inv e) {
      return atom(w.sup(at(e.matrix(), k, ATOM), w.number("−1")));
    }

    @Override
    public T visitSolve(Expr.Solve e) {
      return new T(w.row(w.sup(at(e.matrix(), k, ATOM), w.number("−1")), w.times(), at(e.vector(), k, FUNC)), PROD);
    }

    @Override
    public T visitMatMul(Expr.MatMul e) {
      if (k.d() != null) {
        // In a sum over elements, element d of the product: its operands' elements are not d's.
        return atom(w.sub(w.parens(print(e, new Ctx(k.k(), null)).text), w.identifier(k.d(), Style.PLAIN)));
      }
      // (A ∘ B) v: the element-wise product is not the matrix product it stands next to.
      int left = e.left() instanceof Expr.Hadamard ? ATOM : PROD;
      return new T(w.row(at(e.left(), k, left), w.times(), at(e.right(), k, FUNC)), PROD);
    }

    @Override
    public T visitTranspose(Expr.Transpose e) {
      return atom(w.sup(at(e.matrix(), k, ATOM), w.identifier("T", MathWriter.Style.PLAIN)));
    }
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
