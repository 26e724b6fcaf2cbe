package dev.emc.derive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.Emc;
import dev.emc.api.Internals;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The derivation documents: golden files for the examples (read them: they are the classic
 * derivations), the formulas the issue names for the Gaussian mixture, and the HTML page's
 * self-containedness. To accept new output after reading it: -Demc.golden.update=true.
 */
class DerivationTest {
  private static final Path GOLDEN = Path.of("emc-core/src/test/resources/derive");
  private static final boolean UPDATE = Boolean.getBoolean("emc.golden.update");

  static String derive(String example, Documents.Format format) throws Exception {
    Path model = Path.of("examples", example + ".model");
    var m = Emc.builtIn().parse(model.toString(), Files.readString(model), Map.of());
    return Documents.render(Derivation.of(Internals.structure(m)), format, model.toString(), "test");
  }

  private static String deriveText(String text) {
    var m = Emc.builtIn().parse("test.model", text, Map.of());
    return Documents.render(Derivation.of(Internals.structure(m)), Documents.Format.MD, "test.model", "test");
  }

  @Test
  void theDerivationsOwnSymbolsDoNotTakeTheModelsNames() {
    // A Poisson rate named lambda: the weights' Lagrange multiplier is then κ, not a second λ.
    String poisson = deriveText("K = 2; data x : count; z ~ Categorical(phi); x ~ Poisson(lambda[z]);");
    assertTrue(poisson.contains("adds κ times that constraint"), poisson);
    assertTrue(poisson.contains("\\kappa"), poisson);
    String plain = deriveText("K = 2; data x : count; z ~ Categorical(phi); x ~ Poisson(rate[z]);");
    assertTrue(plain.contains("adds λ times that constraint"), plain);
    // An HMM of a data variable c: the scaling constants are s_n, and its rate λ leaves the chain's
    // multipliers κ_j.
    String chain = deriveText("K = 2; data c : count; latent z : 1..K; first(z) ~ Categorical(pi0);"
        + " z ~ Categorical(A[prev(z)]); c ~ Poisson(lambda[z]);");
    // ℓ = Σ_n log s_n: the data's c_n stays the data's.
    assertTrue(chain.contains("\\log s_{n}"), chain);
    assertFalse(chain.contains("\\log c_{n}"), chain);
    assertTrue(chain.contains("\\kappa_{j}"), chain);
    assertFalse(chain.contains("\\lambda_{j}"), chain);
    // Emissions of a Gamma with parameters named alpha and beta, and a data variable b: the
    // forward and backward variables are f and g, the emission density e.
    String beta = deriveText("K = 2; data b : positive; latent z : 1..K; first(z) ~ Categorical(pi0);"
        + " z ~ Categorical(A[prev(z)]); b ~ Gamma(alpha[z], beta[z]);");
    assertTrue(beta.contains("f_{n k}") && beta.contains("g_{n k}") && beta.contains("e_{n k}"), beta);
    assertFalse(beta.contains("\\alpha_{n k}") || beta.contains("\\beta_{n k}") || beta.contains("b_{n k}"), beta);
  }

  @Test
  void eachExampleDerivesAsItsGoldenFile() throws Exception {
    for (String example : List.of("gmm", "gmm-tied", "waiting", "poisson", "hmm", "factor", "ppca")) {
      String actual = derive(example, Documents.Format.MD);
      Path expected = GOLDEN.resolve(example + ".md");
      if (UPDATE) {
        Files.writeString(expected, actual);
      }
      assertEquals(Files.readString(expected), actual, example);
    }
  }

  @Test
  void theGaussianMixtureHasTheClassicEStepAndUpdates() throws Exception {
    String md = derive("gmm", Documents.Format.MD);
    String normal = "\\mathcal{N}\\left(\\mathbf{x}_{n}\\mid\\boldsymbol{\\mu}_{%s},\\boldsymbol{\\Sigma}_{%s}\\right)";
    String nk = normal.formatted("k", "k");
    String nj = normal.formatted("j", "j");
    // r_nk = φ_k N(x_n | μ_k, Σ_k) / Σ_j φ_j N(x_n | μ_j, Σ_j)
    assertContains(md, "r_{n k}=p\\left(z_{n}=k\\mid\\mathbf{x}_{n},\\theta\\right)=\\frac{\\phi_{k}" + nk
        + "}{\\sum_{j=1}^{K} \\phi_{j}" + nj + "}");
    // N_k = Σ_n r_nk
    assertContains(md, "N_{k}=\\sum_{n=1}^{N} r_{n k}");
    // φ_k = N_k / N
    assertContains(md, "\\phi_{k}=\\frac{N_{k}}{N}");
    // μ_k = Σ_n r_nk x_n / N_k
    assertContains(md, "\\boldsymbol{\\mu}_{k}=\\frac{\\sum_{n=1}^{N} r_{n k}\\mathbf{x}_{n}}{N_{k}}");
    // Σ_k = Σ_n r_nk (x_n − μ_k)(x_n − μ_k)ᵀ / N_k
    assertContains(md, "\\boldsymbol{\\Sigma}_{k}=\\frac{\\sum_{n=1}^{N} r_{n k}\\left(\\mathbf{x}_{n}"
        + "-\\boldsymbol{\\mu}_{k}\\right)\\left(\\mathbf{x}_{n}-\\boldsymbol{\\mu}_{k}\\right)^{\\top}}{N_{k}}");
  }

  @Test
  void probabilisticPcasNoiseUpdateSumsTheElementsOfEachVector() throws Exception {
    String md = derive("ppca", Documents.Format.MD);
    String update = md.lines().filter(l -> l.startsWith("\\Psi\\leftarrow")).findFirst().orElseThrow();
    // Σ_d over the D-vectors' elements: a product with a matrix is element d of the product, and
    // ((ΔW ∘ (S_rh − N W G)) 1_Q)_d keeps its element-wise product; S_h has Q elements, not D.
    assertContains(update, "-\\left(\\left(\\Delta W\\circ\\left(\\mathbf{S}_{\\mathit{rh}}-N\\mathbf{W}G\\right)"
        + "\\right)1_{Q}\\right)_{d}");
    assertContains(update, "S_{r,d}-\\left(\\Delta W\\mathbf{S}_{h}\\right)_{d}");
    assertFalse(update.contains("S_{h,d}"), update);
  }

  @Test
  void factorAnalysisHasTheGaussianPosteriorAndTheRegression() throws Exception {
    String md = derive("factor", Documents.Format.MD);
    // G = (I + WᵀΨ⁻¹W)⁻¹ and m_n = G b_n with b_n = WᵀΨ⁻¹ e_n (Bishop §12.2.4)
    assertContains(md, "G=\\left(\\mathbf{I}+\\mathbf{W}^{T}\\boldsymbol{\\Psi}^{-1}\\mathbf{W}\\right)^{-1}");
    assertContains(md, "\\mathbf{b}_{n}=\\mathbf{W}^{T}\\boldsymbol{\\Psi}^{-1}\\mathbf{e}_{n}");
    assertContains(md, "=\\mathbf{m}_{n}=G\\mathbf{b}_{n}");
    // E[h hᵀ | x] = G + m mᵀ
    assertContains(md, "=G+\\mathbf{m}_{n}\\mathbf{m}_{n}^{\\top}");
    // p(x_n) = N(x_n | μ, WWᵀ + Ψ)
    assertContains(md, "\\mathcal{N}\\left(\\mathbf{x}_{n}\\mid\\boldsymbol{\\mu},\\mathbf{W}\\mathbf{W}^{T}"
        + "+\\boldsymbol{\\Psi}\\right)");
  }

  @Test
  void theHtmlPageIsWellFormedSelfContainedMathMl() throws Exception {
    String html = derive("gmm", Documents.Format.HTML);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    assertEquals("html", doc.getDocumentElement().getLocalName());
    int equations = doc.getElementsByTagName("math").getLength();
    assertTrue(equations > 30, "math elements: " + equations);
    for (String outside : List.of("<script", "src=", "href=", "@import", "url(", "http://", "https://")) {
      assertFalse(html.replace("http://www.w3.org/1999/xhtml", "").contains(outside), outside);
    }
    assertFalse(html.contains("\\frac"), "raw LaTeX in the page");
    assertTrue(html.contains("<mfrac>"));
  }

  /**
   * A comment inside a statement is part of the statement's text, which the documents show. In the
   * LaTeX file it is text, every TeX special spelled out (it was verbatim, which the comment could
   * end and follow with \\input); in Markdown, a fence the text cannot close.
   */
  @Test
  void statementTextIsInertInTheLatexAndMarkdownDocuments() throws Exception {
    String text = "model evil;\nK = 2;\nz ~ Categorical( // \\end{verbatim}\\input{/etc/passwd} $^_&#%~ ```\n  phi);\n"
        + "x ~ Normal(mu[z], Sigma[z]);\n";
    Derivation d = Derivation.of(Internals.structure(Emc.builtIn().parse("evil.model", text, Map.of())));
    String tex = Documents.render(d, Documents.Format.TEX, "evil\n\\input{x}.model", "test");
    assertContains(tex, "% Derived by emc test from evil \\input{x}.model.\n");
    assertContains(tex, "\\begin{flushleft}\\ttfamily\n"
        + "\\mbox{}z~\\textasciitilde{}~Categorical(~//~\\textbackslash{}end\\{verbatim\\}\\textbackslash{}input"
        + "\\{/etc/passwd\\}~\\$\\textasciicircum{}\\_\\&\\#\\%\\textasciitilde{}~```\\\\\n"
        + "\\mbox{}~~phi);\\\\\n"
        + "\\mbox{}x~\\textasciitilde{}~Normal(mu[z],~Sigma[z]);\\\\\n"
        + "\\end{flushleft}\n");
    assertFalse(tex.contains("\\input{/etc/passwd}"), tex);
    assertFalse(tex.contains("verbatim}\n"), tex);
    String md = Documents.render(d, Documents.Format.MD, "evil.model", "test");
    assertContains(md, "\n````\nz ~ Categorical( // \\end{verbatim}\\input{/etc/passwd} $^_&#%~ ```\n  phi);\n"
        + "x ~ Normal(mu[z], Sigma[z]);\n````\n");
  }

  @Test
  void theGeneratedJavaCitesTheDocumentsEquations() throws Exception {
    var m = Emc.builtIn().parse("examples/gmm.model", Files.readString(Path.of("examples/gmm.model")), Map.of());
    String java = m.javaSource(Map.of("D", 2.0));
    Derivation d = Derivation.of(Internals.structure(m));
    assertContains(java, "// (eq. " + d.number("joint") + ") log p(x_n, z = k)");
    assertContains(java, "that is (eq. " + d.number("update:mu") + "), μ_k = (Σ_n r_nk x_n) / N_k");
    String md = derive("gmm", Documents.Format.MD);
    assertContains(md, "\\tag{" + d.number("update:mu") + "}");
  }

  /**
   * A t mixture's information section: the scores are the marginal t density's, w integrated out;
   * ν's score reads the quadratic form itself, which prints as δ_nk and is defined once.
   */
  @Test
  void aTMixturesScoresAreItsMarginalsDerivatives() throws Exception {
    String md = derive("t-mixture", Documents.Format.MD);
    Derivation d = Derivation.of(Internals.structure(Emc.builtIn().parse("examples/t-mixture.model",
        Files.readString(Path.of("examples/t-mixture.model")), Map.of())));
    String information = md.substring(md.indexOf("The information matrix (emc fit --se)"));
    String words = information.replaceAll("\\s+", " ");
    assertFalse(words.contains("not available"), information);
    assertContains(words, "is integrated out given the component: log p(x_n, z = k) is log φ_k plus the marginal log"
        + " p(x_n | z_n = k) of equation (" + d.number("scale-marginal") + ")");
    String nu = information.lines().dropWhile(l -> !l.startsWith("∂/∂$\\nu_{k}$")).skip(1).findFirst().orElseThrow();
    assertContains(nu, "\\psi\\left(\\frac{\\nu_{k}}{2}\\right)");
    assertContains(nu, "\\log\\left(\\frac{\\nu_{k}}{2}+\\frac{\\delta_{\\mathit{nk}}}{2}\\right)");
    assertContains(words, "where $\\delta_{\\mathit{nk}}$ = (x_n − μ_k)ᵀ Σ_k⁻¹ (x_n − μ_k), the quadratic form");
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), () -> "missing: " + part);
  }
}
