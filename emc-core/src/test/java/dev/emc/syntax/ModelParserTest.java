package dev.emc.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.diag.Diagnostic;
import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.syntax.Ast.Binary;
import dev.emc.syntax.Ast.Index;
import dev.emc.syntax.Ast.Num;
import dev.emc.syntax.Ast.Tilde;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelParserTest {
  private static Ast.Program parse(String text) {
    Diagnostics d = new Diagnostics(new Source("t.model", text));
    Optional<Ast.Program> p = ModelParser.parse(d.source(), d);
    assertTrue(p.isPresent(), () -> d.all().toString());
    return p.get();
  }

  private static List<Diagnostic> errors(String text) {
    Diagnostics d = new Diagnostics(new Source("t.model", text));
    assertTrue(ModelParser.parse(d.source(), d).isEmpty());
    return d.all();
  }

  @Test
  void theCardParsesToTwoStatements() {
    Ast.Program p = parse("z ~ Categorical(phi);\nx ~ Normal(mu[z], Sigma[z]);");
    assertEquals(2, p.items().size());
    Tilde x = (Tilde) p.items().get(1);
    assertEquals("Normal", x.family().text());
    Index mu = assertInstanceOf(Index.class, x.args().get(0));
    assertEquals("mu", mu.base().text());
    assertEquals(new Ast.Name("z", new Span(0, 0)), mu.indices().get(0));
  }

  @Test
  void spansDoNotTakePartInEquality() {
    assertEquals(parse("K=2;z~Categorical(phi);"), parse("K = 2;\n\n  z ~ Categorical( phi ) ;"));
  }

  @Test
  void spansPointAtTheText() {
    String text = "K = 2;\nx ~ Normal(mu[z], Sigma[z]);";
    Source s = new Source("t", text);
    Tilde t = (Tilde) parse(text).items().get(1);
    assertEquals("Normal", s.slice(t.family().span()));
    assertEquals("mu[z]", s.slice(t.args().get(0).span()));
    assertEquals(2, s.line(t.span().start()));
    assertEquals(12, s.column(t.args().get(0).span().start()));
  }

  @Test
  void commentsOfBothKindsAreSkipped() {
    Ast.Program p = parse("// line\nK = /* inline */ 2; /* block\n over lines */ z ~ Categorical(phi); // end");
    assertEquals(2, p.items().size());
  }

  @Test
  void arithmeticHasItsUsualPrecedence() {
    Tilde t = (Tilde) parse("y ~ Normal(a + b * -u / 2, s);").items().get(0);
    Binary sum = assertInstanceOf(Binary.class, t.args().get(0));
    assertEquals(Ast.Op.ADD, sum.op());
    Binary quotient = assertInstanceOf(Binary.class, sum.right());
    assertEquals(Ast.Op.DIV, quotient.op());
    Binary product = assertInstanceOf(Binary.class, quotient.left());
    assertEquals(Ast.Op.MUL, product.op());
    assertInstanceOf(Ast.Neg.class, product.right());
  }

  @Test
  void numbersKeepWhetherTheyAreIntegers() {
    Ast.ConstDecl a = (Ast.ConstDecl) parse("a = 2;").items().get(0);
    Ast.ConstDecl b = (Ast.ConstDecl) parse("b = 2.5e-1;").items().get(0);
    assertTrue(((Num) a.value()).integral());
    assertEquals(0.25, ((Num) b.value()).value());
  }

  @Test
  void aRangeReadsAsOneDotDotK() {
    Ast.VarDecl d = (Ast.VarDecl) parse("latent z : 1..K;").items().get(0);
    Ast.RangeType r = assertInstanceOf(Ast.RangeType.class, d.type());
    assertEquals(1.0, ((Num) r.lo()).value());
  }

  @Test
  void declarationsCarryRoleIndexAndType() {
    Ast.VarDecl d = (Ast.VarDecl) parse("param mu[z] : vector[D];").items().get(0);
    assertEquals(Ast.Role.PARAM, d.role());
    assertEquals("z", d.index().get(0).text());
    assertEquals("vector", ((Ast.NamedType) d.type()).name().text());
  }

  @Test
  void aMissingSemicolonIsReportedWhereItBelongs() {
    List<Diagnostic> e = errors("z ~ Categorical(phi)\nx ~ Normal(mu[z], Sigma[z]);");
    assertEquals(1, e.size());
    assertEquals("expected `;` after `)`", e.get(0).message());
    assertEquals(20, e.get(0).span().orElseThrow().start());
  }

  @Test
  void errorsInSeparateStatementsAreAllReported() {
    List<Diagnostic> e = errors("z ~ Categorical(phi,);\nx ~ Normal(mu[z] Sigma[z]);\ny ~ ;");
    assertEquals(3, e.size(), e.toString());
  }

  @Test
  void absurdNestingIsADiagnosticNotACrash() {
    String deep = "(".repeat(100_000) + "1" + ")".repeat(100_000);
    List<Diagnostic> e = errors("K = " + deep + ";");
    assertTrue(e.get(0).message().contains("nested too deeply"), e.toString());
  }
}
