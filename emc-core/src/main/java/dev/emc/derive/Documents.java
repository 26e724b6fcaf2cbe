package dev.emc.derive;

import dev.emc.derive.Derivation.Block;
import dev.emc.derive.Derivation.Equation;
import dev.emc.derive.Derivation.Listing;
import dev.emc.derive.Derivation.Part;
import dev.emc.derive.Derivation.Prose;
import dev.emc.derive.Derivation.Section;
import dev.emc.derive.Derivation.Table;
import java.util.List;

/**
 * The derive stage: a {@link Derivation} as a document — Markdown with LaTeX math, a LaTeX
 * file, or one self-contained HTML page whose formulas are MathML the browser renders itself (no
 * script, no network).
 */
public final class Documents {
  public enum Format {
    MD, TEX, HTML
  }

  private Documents() {}

  /** @param origin where the model came from, for the first line */
  public static String render(Derivation d, Format format, String origin, String version) {
    return switch (format) {
      case MD -> markdown(d, origin, version);
      case TEX -> latex(d, origin, version);
      case HTML -> html(d, origin, version);
    };
  }

  // ------------------------------------------------------------------ Markdown

  private static String markdown(Derivation d, String origin, String version) {
    Formula tex = new Formula(new TexWriter());
    StringBuilder b = new StringBuilder();
    b.append("# ").append(d.title()).append("\n\n");
    b.append("*Derived by emc ").append(version).append(" from `").append(origin)
        .append("`. The generated Java cites these equation numbers.*\n");
    int n = 1;
    for (Section s : d.sections()) {
      b.append("\n## ").append(n++).append(". ").append(s.title()).append("\n");
      for (Block block : s.blocks()) {
        b.append('\n');
        if (block instanceof Prose p) {
          b.append(wrap(markdownParts(p.parts(), tex))).append('\n');
        } else if (block instanceof Equation e) {
          b.append("$$\n").append(tex.of(e.math())).append(" \\tag{").append(e.number()).append("}\n$$\n");
        } else if (block instanceof Listing l) {
          // A fence longer than any run of backticks in the text, which then cannot close it.
          String fence = "`".repeat(Math.max(3, longestRun(l.text(), '`') + 1));
          b.append(fence).append('\n').append(l.text()).append('\n').append(fence).append('\n');
        } else if (block instanceof Table t) {
          b.append("| ").append(String.join(" | ", t.header())).append(" |\n|");
          b.append("---|".repeat(t.header().size())).append('\n');
          for (List<List<Part>> row : t.rows()) {
            b.append('|');
            for (List<Part> cell : row) {
              b.append(' ').append(markdownParts(cell, tex).replace("|", "\\|")).append(" |");
            }
            b.append('\n');
          }
        }
      }
    }
    return b.toString();
  }

  private static String markdownParts(List<Part> parts, Formula tex) {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Derivation.Words w) {
        b.append(w.text());
      } else if (p instanceof Derivation.Code c) {
        b.append(c.text().isEmpty() ? "" : "`" + c.text() + "`");
      } else {
        b.append('$').append(tex.of(((Derivation.Math) p).expr())).append('$');
      }
    }
    return b.toString();
  }

  /** Prose lines of at most about 100 characters, breaking only at spaces outside math. */
  private static String wrap(String text) {
    StringBuilder out = new StringBuilder();
    int lineStart = 0;
    boolean math = false;
    int lastBreak = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '$') {
        math = !math;
      }
      if (c == ' ' && !math) {
        lastBreak = out.length();
      }
      out.append(c);
      if (out.length() - lineStart > 100 && lastBreak > lineStart) {
        out.setCharAt(lastBreak, '\n');
        lineStart = lastBreak + 1;
      }
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ LaTeX

  private static String latex(Derivation d, String origin, String version) {
    Formula tex = new Formula(new TexWriter());
    StringBuilder b = new StringBuilder();
    // A line break in the file's name would end the comment.
    b.append("% Derived by emc ").append(version).append(" from ").append(origin.replaceAll("[\\r\\n]", " "))
        .append(".\n");
    b.append("\\documentclass{article}\n\\usepackage{amsmath,amssymb,bm}\n\\usepackage[T1]{fontenc}\n");
    b.append("\\usepackage[utf8]{inputenc}\n\\usepackage{newunicodechar}\n");
    b.append("\\newunicodechar{∑}{\\ensuremath{\\sum}}\\newunicodechar{μ}{\\ensuremath{\\mu}}\n");
    b.append("\\newunicodechar{−}{\\ensuremath{-}}\\newunicodechar{…}{\\ldots}\n");
    b.append("\\title{").append(texText(d.title())).append("}\n\\date{}\n\\begin{document}\n\\maketitle\n");
    for (Section s : d.sections()) {
      b.append("\n\\section{").append(texText(s.title())).append("}\n");
      for (Block block : s.blocks()) {
        if (block instanceof Prose p) {
          b.append('\n').append(latexParts(p.parts(), tex)).append('\n');
        } else if (block instanceof Equation e) {
          b.append("\\begin{equation}\n").append(tex.of(e.math())).append(" \\tag{").append(e.number())
              .append("}\n\\end{equation}\n");
        } else if (block instanceof Listing l) {
          b.append(texListing(l.text()));
        } else if (block instanceof Table t) {
          b.append("\\begin{tabular}{").append("l".repeat(t.header().size())).append("}\n");
          b.append(String.join(" & ", t.header().stream().map(Documents::texText).toList())).append(" \\\\\n\\hline\n");
          for (List<List<Part>> row : t.rows()) {
            b.append(String.join(" & ", row.stream().map(c -> latexParts(c, tex)).toList())).append(" \\\\\n");
          }
          b.append("\\end{tabular}\n");
        }
      }
    }
    b.append("\n\\end{document}\n");
    return b.toString();
  }

  private static String latexParts(List<Part> parts, Formula tex) {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Derivation.Words w) {
        b.append(texText(w.text()));
      } else if (p instanceof Derivation.Code c) {
        b.append(c.text().isEmpty() ? "" : "\\texttt{" + texText(c.text()) + "}");
      } else {
        b.append('$').append(tex.of(((Derivation.Math) p).expr())).append('$');
      }
    }
    return b.toString();
  }

  /**
   * The model's statements, typewriter, line by line, as text: not {@code verbatim}, which
   * {@code \\end{verbatim}} in a comment would end, letting what follows run as TeX.
   */
  private static String texListing(String text) {
    StringBuilder b = new StringBuilder("\\begin{flushleft}\\ttfamily\n");
    for (String line : text.split("\n", -1)) {
      // ~ keeps every space (indentation, alignment) where TeX would merge them.
      b.append("\\mbox{}").append(texText(line).replace(" ", "~")).append("\\\\\n");
    }
    return b.append("\\end{flushleft}\n").toString();
  }

  /** Text with every character TeX treats as a command spelled as itself; one pass, so no escape is escaped again. */
  private static String texText(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\textbackslash{}");
        case '^' -> b.append("\\textasciicircum{}");
        case '~' -> b.append("\\textasciitilde{}");
        case '&', '%', '$', '#', '_', '{', '}' -> b.append('\\').append(c);
        // TeX reads control characters as commands (^^L is \\par) or refuses them.
        default -> b.append(Character.isISOControl(c) ? ' ' : c);
      }
    }
    return b.toString();
  }

  private static int longestRun(String s, char c) {
    int longest = 0;
    for (int i = 0, run = 0; i < s.length(); i++) {
      run = s.charAt(i) == c ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  // ------------------------------------------------------------------ HTML

  private static final String STYLE = """
      body { font-family: Georgia, 'DejaVu Serif', serif; max-width: 52rem; margin: 2rem auto;
             padding: 0 1rem; line-height: 1.55; color: #1b1b1b; }
      h1 { font-size: 1.7rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
      .origin { color: #555; font-style: italic; }
      .equation { display: flex; align-items: center; margin: 0.9rem 0; }
      .equation math { flex: 1; font-size: 1.12rem; }
      .equation .number { color: #555; padding-left: 1rem; }
      math { font-family: 'Latin Modern Math', 'STIX Two Math', 'DejaVu Serif', serif; }
      mi.bold { font-weight: bold; }
      pre, code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.92rem; }
      pre { background: #f5f5f2; padding: 0.7rem 1rem; }
      table { border-collapse: collapse; margin: 1rem 0; }
      th, td { text-align: left; padding: 0.25rem 0.8rem; border-bottom: 1px solid #ddd; }
      """;

  private static String html(Derivation d, String origin, String version) {
    Formula mathml = new Formula(new MathMlWriter());
    MathMlWriter w = new MathMlWriter();
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n");
    b.append("<meta charset=\"utf-8\"/>\n<title>").append(esc(d.title())).append("</title>\n");
    b.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    b.append("<h1>").append(esc(d.title())).append("</h1>\n");
    b.append("<p class=\"origin\">Derived by emc ").append(esc(version)).append(" from <code>").append(esc(origin))
        .append("</code>. The generated Java cites these equation numbers.</p>\n");
    int n = 1;
    for (Section s : d.sections()) {
      b.append("<h2>").append(n++).append(". ").append(esc(s.title())).append("</h2>\n");
      for (Block block : s.blocks()) {
        if (block instanceof Prose p) {
          b.append("<p>").append(htmlParts(p.parts(), mathml, w)).append("</p>\n");
        } else if (block instanceof Equation e) {
          b.append(w.display(mathml.of(e.math()), e.number())).append('\n');
        } else if (block instanceof Listing l) {
          b.append("<pre>").append(esc(l.text())).append("</pre>\n");
        } else if (block instanceof Table t) {
          b.append("<table>\n<tr>");
          for (String h : t.header()) {
            b.append("<th>").append(esc(h)).append("</th>");
          }
          b.append("</tr>\n");
          for (List<List<Part>> row : t.rows()) {
            b.append("<tr>");
            for (List<Part> cell : row) {
              b.append("<td>").append(htmlParts(cell, mathml, w)).append("</td>");
            }
            b.append("</tr>\n");
          }
          b.append("</table>\n");
        }
      }
    }
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static String htmlParts(List<Part> parts, Formula mathml, MathMlWriter w) {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Derivation.Words words) {
        b.append(esc(words.text()));
      } else if (p instanceof Derivation.Code c) {
        b.append(c.text().isEmpty() ? "" : "<code>" + esc(c.text()) + "</code>");
      } else {
        b.append(w.inline(mathml.of(((Derivation.Math) p).expr())));
      }
    }
    return b.toString();
  }

  private static String esc(String s) {
    return MathMlWriter.escape(s);
  }
}
