package dev.emc.derive;

/**
 * The primitives a formula is typeset from. {@link Formula} decides the structure (what is a
 * fraction, what is subscripted, where parentheses go); a writer spells it in one notation.
 * Identifiers and operators arrive as Unicode (μ, −, ≥, ∂, ⊤).
 */
interface MathWriter {
  enum Style {
    /** Italic for one letter, upright for several. */
    PLAIN,
    /** A vector or matrix. */
    BOLD,
    /** A function or operator name: log, tr, diag. */
    UPRIGHT
  }

  String identifier(String name, Style style);

  String number(String digits);

  String operator(String op);

  /** What stands between the factors of a product: nothing, or a thin space. */
  String times();

  String row(String... parts);

  String sub(String base, String script);

  String sup(String base, String script);

  String subsup(String base, String sub, String sup);

  String frac(String numerator, String denominator);

  /** A half: ½ as a small fraction. */
  String half();

  String parens(String inner);

  /** |inner| */
  String bars(String inner);

  /** ‖inner‖ */
  String norm(String inner);

  /** √inner, with the bar over all of it. */
  String sqrt(String inner);

  /** Σ_{from}^{to} with the body after it; with {@code to} null, Σ_{from} alone. */
  String sum(String from, String to, String body);

  /** An already-typeset piece, such as a family's notation. */
  String raw(String tex, String mathml);

  /** A displayed formula with its number at the right. */
  String display(String body, int number);

  /** A formula in a line of text. */
  String inline(String body);
}
