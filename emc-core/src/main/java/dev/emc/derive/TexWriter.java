package dev.emc.derive;

import java.util.Map;

/** LaTeX (amsmath). */
final class TexWriter implements MathWriter {
  private static final Map<String, String> SYMBOLS = Map.ofEntries(
      Map.entry("α", "\\alpha"), Map.entry("β", "\\beta"), Map.entry("γ", "\\gamma"),
      Map.entry("δ", "\\delta"), Map.entry("ε", "\\varepsilon"), Map.entry("ζ", "\\zeta"),
      Map.entry("η", "\\eta"), Map.entry("θ", "\\theta"), Map.entry("κ", "\\kappa"),
      Map.entry("λ", "\\lambda"), Map.entry("μ", "\\mu"), Map.entry("ν", "\\nu"), Map.entry("ξ", "\\xi"),
      Map.entry("π", "\\pi"), Map.entry("ρ", "\\rho"), Map.entry("σ", "\\sigma"), Map.entry("τ", "\\tau"),
      Map.entry("φ", "\\phi"), Map.entry("χ", "\\chi"), Map.entry("ψ", "\\psi"), Map.entry("ω", "\\omega"),
      Map.entry("Γ", "\\Gamma"), Map.entry("Δ", "\\Delta"), Map.entry("Θ", "\\Theta"),
      Map.entry("Λ", "\\Lambda"), Map.entry("Ξ", "\\Xi"), Map.entry("Π", "\\Pi"), Map.entry("Σ", "\\Sigma"),
      Map.entry("Φ", "\\Phi"), Map.entry("Ψ", "\\Psi"), Map.entry("Ω", "\\Omega"), Map.entry("ℓ", "\\ell"),
      Map.entry("−", "-"), Map.entry("≥", "\\ge"), Map.entry("≡", "\\equiv"), Map.entry("∼", "\\sim"),
      Map.entry("∂", "\\partial"), Map.entry("⊤", "\\top"), Map.entry("…", "\\dots"), Map.entry("|", "\\mid"),
      Map.entry("·", "\\cdot"), Map.entry("←", "\\leftarrow"), Map.entry("∘", "\\circ"), Map.entry("∑", "\\sum"), Map.entry("−1", "-1"));

  private static String spell(String s) {
    StringBuilder b = new StringBuilder();
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      String c = new String(Character.toChars(cps[i]));
      String m = SYMBOLS.get(c);
      // A control word (\\alpha, \\mid) needs a space before a letter that follows it.
      boolean word = m != null && (Character.isLetter(cps[i])
          || m.matches(".*\\\\[a-zA-Z]+") && i + 1 < cps.length && Character.isLetter(cps[i + 1]));
      b.append(m != null ? m + (word ? " " : "") : c);
    }
    return b.toString().strip();
  }

  @Override
  public String identifier(String name, Style style) {
    String spelled = spell(name);
    boolean greek = !spelled.equals(name);
    return switch (style) {
      case BOLD -> greek ? "\\boldsymbol{" + spelled + "}" : "\\mathbf{" + spelled + "}";
      case UPRIGHT -> "\\operatorname{" + spelled + "}";
      case PLAIN -> name.codePointCount(0, name.length()) > 1 && !greek && name.chars().allMatch(Character::isLetterOrDigit)
          ? "\\mathit{" + spelled + "}" : spelled;
    };
  }

  @Override
  public String number(String digits) {
    return spell(digits);
  }

  @Override
  public String operator(String op) {
    return switch (op) {
      case "log" -> "\\log";
      case "exp" -> "\\exp";
      case "tr" -> "\\operatorname{tr}";
      case "diag" -> "\\operatorname{diag}";
      default -> spell(op);
    };
  }

  @Override
  public String times() {
    return "";
  }

  @Override
  public String row(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (p.isEmpty()) {
        continue;
      }
      if (b.length() > 0 && Character.isLetter(p.charAt(0)) && b.charAt(b.length() - 1) != ' '
          && (Character.isLetter(b.charAt(b.length() - 1)) || b.toString().matches("(?s).*\\\\[a-zA-Z]+$"))) {
        b.append(' ');
      }
      b.append(p);
    }
    return b.toString();
  }

  @Override
  public String sub(String base, String script) {
    return base + "_{" + script + "}";
  }

  @Override
  public String sup(String base, String script) {
    return base + "^{" + script + "}";
  }

  @Override
  public String subsup(String base, String sub, String sup) {
    return base + "_{" + sub + "}^{" + sup + "}";
  }

  @Override
  public String frac(String numerator, String denominator) {
    return "\\frac{" + numerator + "}{" + denominator + "}";
  }

  @Override
  public String half() {
    return "\\tfrac{1}{2}";
  }

  @Override
  public String parens(String inner) {
    return "\\left(" + inner + "\\right)";
  }

  @Override
  public String bars(String inner) {
    return "\\left|" + inner + "\\right|";
  }

  @Override
  public String sqrt(String inner) {
    return "\\sqrt{" + inner + "}";
  }

  @Override
  public String norm(String inner) {
    return "\\left\\lVert " + inner + "\\right\\rVert";
  }

  @Override
  public String sum(String from, String to, String body) {
    return to == null ? "\\sum_{" + from + "} " + body : "\\sum_{" + from + "}^{" + to + "} " + body;
  }

  @Override
  public String raw(String tex, String mathml) {
    return tex;
  }

  @Override
  public String display(String body, int number) {
    return body + " \\tag{" + number + "}";
  }

  @Override
  public String inline(String body) {
    return body;
  }
}
