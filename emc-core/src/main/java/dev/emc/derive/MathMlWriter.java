package dev.emc.derive;

/** Presentation MathML, as browsers render it natively (MathML Core). */
final class MathMlWriter implements MathWriter {
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public String identifier(String name, Style style) {
    String text = escape(name);
    return switch (style) {
      case BOLD -> "<mi class=\"bold\">" + text + "</mi>";
      case UPRIGHT -> "<mi mathvariant=\"normal\">" + text + "</mi>";
      case PLAIN -> "<mi>" + text + "</mi>";
    };
  }

  @Override
  public String number(String digits) {
    if (digits.endsWith("π")) {
      return "<mn>" + escape(digits.substring(0, digits.length() - 1)) + "</mn><mi>π</mi>";
    }
    return "<mn>" + escape(digits) + "</mn>";
  }

  @Override
  public String operator(String op) {
    return switch (op) {
      // A function name, the invisible function application, and the space a math font would give.
      case "log", "exp", "tr", "diag" ->
          "<mi mathvariant=\"normal\">" + op + "</mi><mo>&#8289;</mo><mspace width=\"0.17em\"/>";
      default -> "<mo>" + escape(op) + "</mo>";
    };
  }

  @Override
  public String times() {
    return "<mo>&#8290;</mo><mspace width=\"0.1em\"/>";
  }

  @Override
  public String row(String... parts) {
    StringBuilder b = new StringBuilder("<mrow>");
    for (String p : parts) {
      b.append(p);
    }
    return b.append("</mrow>").toString();
  }

  @Override
  public String sub(String base, String script) {
    return "<msub>" + wrap(base) + wrap(script) + "</msub>";
  }

  @Override
  public String sup(String base, String script) {
    return "<msup>" + wrap(base) + wrap(script) + "</msup>";
  }

  @Override
  public String subsup(String base, String sub, String sup) {
    return "<msubsup>" + wrap(base) + wrap(sub) + wrap(sup) + "</msubsup>";
  }

  @Override
  public String frac(String numerator, String denominator) {
    return "<mfrac>" + wrap(numerator) + wrap(denominator) + "</mfrac>";
  }

  @Override
  public String half() {
    return "<mfrac><mn>1</mn><mn>2</mn></mfrac>";
  }

  @Override
  public String parens(String inner) {
    return "<mrow><mo>(</mo>" + inner + "<mo>)</mo></mrow>";
  }

  @Override
  public String bars(String inner) {
    return "<mrow><mo>|</mo>" + inner + "<mo>|</mo></mrow>";
  }

  @Override
  public String sqrt(String inner) {
    return "<msqrt>" + inner + "</msqrt>";
  }

  @Override
  public String norm(String inner) {
    return "<mrow><mo>‖</mo>" + inner + "<mo>‖</mo></mrow>";
  }

  @Override
  public String sum(String from, String to, String body) {
    if (to == null) {
      return "<mrow><munder><mo>∑</mo>" + wrap(from) + "</munder>" + body + "</mrow>";
    }
    return "<mrow><munderover><mo>∑</mo>" + wrap(from) + wrap(to) + "</munderover>" + body + "</mrow>";
  }

  @Override
  public String raw(String tex, String mathml) {
    return mathml;
  }

  @Override
  public String display(String body, int number) {
    return "<div class=\"equation\"><math display=\"block\">" + body + "</math><span class=\"number\">("
        + number + ")</span></div>";
  }

  @Override
  public String inline(String body) {
    return "<math>" + body + "</math>";
  }

  /** A script or fraction part must be one element. */
  private static String wrap(String s) {
    return isOneElement(s) ? s : "<mrow>" + s + "</mrow>";
  }

  private static boolean isOneElement(String s) {
    if (!s.startsWith("<")) {
      return false;
    }
    int depth = 0;
    int i = 0;
    while (i < s.length()) {
      int open = s.indexOf('<', i);
      if (open < 0) {
        return false;
      }
      int close = s.indexOf('>', open);
      String tag = s.substring(open + 1, close);
      if (tag.startsWith("/")) {
        depth--;
      } else if (!tag.endsWith("/")) {
        depth++;
      }
      i = close + 1;
      if (depth == 0) {
        return i == s.length();
      }
    }
    return false;
  }
}
