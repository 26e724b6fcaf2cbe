package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.diag.Diagnostics;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.types.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A continuous latent vector with a linear-Gaussian child, factor analysis:
 *
 * <pre>
 * h ~ Normal(0, 1);              // h : vector[Q], N(0, I)
 * x ~ Normal(W * h + mu, Psi);   // Psi diagonal (positive[D]), or one variance (PPCA)
 * </pre>
 *
 * <p>The posterior of h given a row is Gaussian, so the E-step is its mean and covariance, and
 * the M-step is the regression of the rows on their expected factors (and a constant): the
 * normal equations with E[h] and E[h hᵀ] in place of h and h hᵀ. This recognizes the structure
 * and writes those formulas into the plan; the code generator and the derivation read them.
 */
final class LinearGaussianPlanner implements LatentPlanner {
  private static final Expr.Notation NORMAL = new Expr.Notation("𝒩", "\\mathcal{N}", "<mi>𝒩</mi>");
  private static final String EXAMPLE = "`h ~ Normal(0, 1); x ~ Normal(W * h + mu, Psi);`";

  @Override
  public boolean claims(CheckedModel model, Variable latent) {
    return latent.type().kind() == Kind.VECTOR;
  }

  @Override
  public Optional<Plan> plan(Planning shared) {
    CheckedModel model = shared.model();
    Diagnostics diagnostics = shared.diagnostics();
    Variable h = shared.latent();
    Stochastic prior = null;
    Stochastic child = null;
    for (Stochastic s : model.distributions()) {
      if (s.lhs().equals(h.name())) {
        prior = s;
      } else if (child == null) {
        child = s;
      } else {
        diagnostics.error("structure", s.span(), "factor analysis models one data vector given the factors, as in "
            + EXAMPLE + "; a second distribution of data is not supported yet");
        return Optional.empty();
      }
    }
    if (!model.priors().isEmpty()) {
      diagnostics.error("unsupported", model.priors().get(0).span(), "priors on the parameters of factor"
          + " analysis are not supported yet");
      return Optional.empty();
    }
    if (child == null) {
      diagnostics.error("structure", h.span(), "the continuous latent " + h.name() + " is the mean of no data;"
          + " factor analysis is written " + EXAMPLE);
      return Optional.empty();
    }
    if (!standardNormal(prior)) {
      diagnostics.error("structure", prior.span(), "a continuous latent is standard normal, `" + h.name()
          + " ~ Normal(0, 1);` (N(0, I)): the loadings and the mean give the data their scale and location");
      return Optional.empty();
    }
    // One component: no parameter has a value per component of a continuous latent.
    Map<String, ParamSlot> params = shared.params(1);
    Optional<Linear> linear = linear(shared, child, params);
    if (linear.isEmpty()) {
      return Optional.empty();
    }
    Linear l = linear.get();
    String observed = child.lhs();
    DataSlot x = shared.data().stream().filter(slot -> slot.name().equals(observed)).findFirst().orElseThrow();
    if (shared.data().size() != 1) {
      diagnostics.error("structure", child.span(), "factor analysis models one data vector given the factors;"
          + " covariates are not supported with it yet");
      return Optional.empty();
    }
    Symbol reg = Symbol.setting("Psi_" + x.name(), x.symbol().shape());
    List<SettingSlot> settings = List.of(new SettingSlot(reg, x.name(), "noise regularization of " + x.name()));
    Shape q = Shape.vector(h.type().dim());
    // h_n is unobserved, but a value per row like the data: the derivation writes it as it writes x_n.
    Symbol latent = new Symbol(h.name(), Symbol.Kind.DATA, q, true, false);
    LinearGaussian lg = new LinearGaussian(latent, x.symbol(), l.loadings.symbol(), l.mean.symbol(),
        l.noise.symbol(), reg, stat("S_r", x.symbol().shape()), stat("S_rr", x.symbol().shape()), stat("S_h", q),
        stat("S_hh", Shape.matrix(q.dim())), stat("S_rh", Shape.matrix(x.symbol().shape().dim(), q.dim())));
    List<FactorPlan> factors = List.of(latentFactor(shared, prior, lg), dataFactor(shared, child, lg, l));
    return Optional.of(new Plan(lg, counted(params, l, x.width()), settings, factors, List.of()));
  }

  /** h ~ N(0, I), which has nothing to fit. */
  private static FactorPlan latentFactor(Planning shared, Stochastic prior, LinearGaussian lg) {
    Shape q = lg.latent().shape();
    Expr hn = new Expr.Sym(lg.latent());
    Expr zero = new Expr.Sym(new Symbol("0", Symbol.Kind.NAME, q, false, false));
    Expr prior0 = new Expr.Density(NORMAL, hn, List.of(zero, new Expr.Identity(q.dim())));
    Expr priorLog = Expr.mul(-0.5, Expr.add(Expr.mul(Expr.size(q.dim()), Expr.log(Expr.num(2 * Math.PI))),
        new Expr.Dot(hn, hn)));
    return new FactorPlan(shared.text(prior), prior.lhs(), "Normal", prior.signature().label(), false, true,
        prior0, Simplify.of(priorLog), List.of(), List.of(), null, List.of(), null,
        List.of(new Expr.Fill(Expr.num(0), q.dim()), new Expr.Fill(Expr.num(1), q.dim())));
  }

  /** x ~ N(W h + μ, Ψ): its density, statistics and updates. */
  private static FactorPlan dataFactor(Planning shared, Stochastic child, LinearGaussian lg, Linear l) {
    Shape q = lg.latent().shape();
    Expr hn = new Expr.Sym(lg.latent());
    Expr xn = new Expr.Sym(lg.data());
    Expr w = new Expr.Sym(lg.loadings());
    Expr mu = new Expr.Sym(lg.mean());
    Expr psi = new Expr.Sym(lg.noise());
    Expr d = Expr.size(lg.data().shape().dim());
    Expr centred = Expr.sub(xn, Expr.add(new Expr.MatMul(w, hn), mu));
    Expr logDet = lg.spherical() ? Expr.mul(d, new Expr.LogDet(psi)) : new Expr.LogDet(psi);
    Expr logDensity = Expr.mul(-0.5, Expr.add(Expr.add(Expr.mul(d, Expr.log(Expr.num(2 * Math.PI))), logDet),
        new Expr.QuadInv(psi, centred)));
    Expr density = new Expr.Density(NORMAL, xn, List.of(Expr.add(new Expr.MatMul(w, hn), mu), psi));

    // The statistics, with h's posterior mean m_n and covariance G (the E-step's), about the current
    // fit: the residual r_n = x_n − μ − W m_n is of the noise's size, where x_n − μ may be 10⁴ times it,
    // and the noise's update from x_n − μ would cancel numbers that much larger.
    // m_n is a value per row, as the row's data is: the derivation writes both x_n-style.
    Expr m = new Expr.Sym(new Symbol("m", Symbol.Kind.DATA, q, true, false));
    Expr g = new Expr.Sym(new Symbol("G", Symbol.Kind.NAME, Shape.matrix(q.dim()), false, false));
    Expr r = Expr.sub(Expr.sub(xn, mu), new Expr.MatMul(w, m));
    List<Statistic> statistics = List.of(
        new Statistic(lg.sr(), r),
        new Statistic(lg.srr(), new Expr.Hadamard(r, r)),
        new Statistic(lg.sh(), m),
        new Statistic(lg.shh(), Expr.add(g, Expr.outer(m, m))),
        new Statistic(lg.srh(), Expr.outer(r, m)));
    Expr reg = new Expr.Sym(lg.regularization());
    Expr trace = lg.spherical() ? Expr.div(new Expr.Total(reg), psi) : new Expr.TraceInv(reg, psi);
    return new FactorPlan(shared.text(child), child.lhs(), "Normal", child.signature().label(), false, false,
        density, Simplify.of(logDensity), statistics, updates(lg, l, g), Simplify.of(Expr.mul(-0.5, trace)),
        List.of(), null, List.of(Expr.add(new Expr.MatMul(w, hn), mu), psi));
  }

  /**
   * The M-step: the normal equations of the residual x_n − μ − W h_n on (h_n, 1), solved by centring;
   * their solution is the change in W and μ. Σ E[(x_n − μ − W h_n) h_nᵀ] = S_rh − N W G, and
   * Σ E[(x_n − μ − W h_n)∘(x_n − μ − W h_n)] = S_rr + N diag(W G Wᵀ).
   */
  private static List<EmPlan.Update> updates(LinearGaussian lg, Linear l, Expr g) {
    Shape q = lg.latent().shape();
    Expr w = new Expr.Sym(lg.loadings());
    Expr mu = new Expr.Sym(lg.mean());
    Expr d = Expr.size(lg.data().shape().dim());
    Expr n = new Expr.Sym(new Symbol("N", Symbol.Kind.TOTAL, Shape.SCALAR, false, false));
    Expr sr = new Expr.Sym(lg.sr());
    Expr sh = new Expr.Sym(lg.sh());
    Expr wg = new Expr.MatMul(w, g);
    Expr syh = Expr.sub(new Expr.Sym(lg.srh()), Expr.mul(n, wg));
    Expr chh = Expr.sub(new Expr.Sym(lg.shh()), Expr.div(Expr.outer(sh, sh), n));
    Expr cyh = Expr.sub(syh, Expr.div(Expr.outer(sr, sh), n));
    Expr change = new Expr.Sym(new Symbol("ΔW", Symbol.Kind.NAME, lg.loadings().shape(), false, false));
    Expr shift = Expr.div(Expr.sub(sr, new Expr.MatMul(change, sh)), n);
    Expr syy = Expr.add(new Expr.Sym(lg.srr()), Expr.mul(n, new Expr.MatMul(new Expr.Hadamard(wg, w), ones(q))));
    Expr residual = Expr.add(Expr.sub(Expr.sub(syy, new Expr.MatMul(new Expr.Hadamard(change, syh), ones(q))),
        new Expr.Hadamard(shift, sr)), new Expr.Sym(lg.regularization()));
    Expr newPsi = lg.spherical() ? Expr.div(new Expr.Total(residual), Expr.mul(n, d)) : Expr.div(residual, n);
    return List.of(
        update(l.loadings, Expr.add(w, new Expr.MatMul(cyh, new Expr.Inv(chh))), "the factors' regression coefficients"),
        update(l.mean, Expr.add(mu, shift), "the intercept of that regression"),
        update(l.noise, newPsi, "the mean squared residual of that regression"));
  }

  /**
   * The parameters, with as many of W's numbers free as a full covariance leaves room for: W, μ
   * and Ψ together are never more free numbers than a mean and a full covariance, D(D + 3)/2. Past
   * that (for diagonal Ψ, the Ledermann bound (D − Q)² &lt; D + Q) the model is just a full
   * covariance, and BIC counts it as one.
   */
  private static List<ParamSlot> counted(Map<String, ParamSlot> params, Linear l, int d) {
    int excess = l.loadings.free() + l.mean.free() + l.noise.free() - d * (d + 3) / 2;
    ParamSlot w = l.loadings;
    return params.values().stream().map(p -> !p.name().equals(w.name()) || excess <= 0 ? p
        : new ParamSlot(w.name(), w.type(), w.symbol(), w.perComponent(), w.elements(), w.free() - excess)).toList();
  }

  /** 1_Q, the vector of ones: M 1_Q adds up each row of M. */
  private static Expr ones(Shape q) {
    return new Expr.Sym(new Symbol("1_" + q.dim(), Symbol.Kind.NAME, q, false, false));
  }

  private static Symbol stat(String name, Shape shape) {
    return Symbol.statistic(name, shape, false);
  }

  private static EmPlan.Update update(ParamSlot p, Expr value, String method) {
    return new EmPlan.Update(p.name(), p.symbol(), Simplify.of(value), method, null, new Expr.Sym(p.symbol()),
        null, null, null);
  }

  /** {@code h ~ Normal(0, 1)}: a mean of 0 and a variance (or covariance) of 1. */
  private static boolean standardNormal(Stochastic s) {
    return s.family().name().equals("Normal") && s.args().size() == 2 && number(s.args().get(0), 0)
        && number(s.args().get(1), 1);
  }

  private static boolean number(Term t, double v) {
    return t instanceof Term.Number n && n.value() == v || t instanceof Term.ConstRef c && c.value() == v;
  }

  /** The loadings, mean and noise of {@code x ~ Normal(W * h + mu, Psi)}, each a parameter of its own. */
  private record Linear(ParamSlot loadings, ParamSlot mean, ParamSlot noise) {}

  private static Optional<Linear> linear(Planning shared, Stochastic s, Map<String, ParamSlot> params) {
    String shape = "factor analysis is written " + EXAMPLE + ", with W, mu and Psi parameters shared by"
        + " every row";
    if (!s.family().name().equals("Normal") || s.args().size() != 2
        || !(s.args().get(0) instanceof Term.Arith sum) || !sum.isSum()) {
      shared.diagnostics().error("structure", s.span(), "cannot fit `" + shared.text(s) + "`: " + shape);
      return Optional.empty();
    }
    Term product = sum.left() instanceof Term.Arith a && a.isProduct() ? sum.left() : sum.right();
    Term offset = product == sum.left() ? sum.right() : sum.left();
    ParamSlot w = product instanceof Term.Arith a && a.isProduct() ? param(a.left(), params) : null;
    ParamSlot mu = param(offset, params);
    ParamSlot psi = param(s.args().get(1), params);
    if (w == null || mu == null || psi == null) {
      shared.diagnostics().error("structure", s.span(), "cannot fit `" + shared.text(s) + "`: " + shape);
      return Optional.empty();
    }
    if (psi.symbol().shape().isMatrix()) {
      shared.diagnostics().error("structure", s.args().get(1).span(), "factor analysis needs noise of its own in each"
          + " column: declare `param " + psi.name() + " : positive[D];` (or `positive` for probabilistic PCA);"
          + " with a full covariance the factors explain nothing");
      return Optional.empty();
    }
    return Optional.of(new Linear(w, mu, psi));
  }

  private static ParamSlot param(Term t, Map<String, ParamSlot> params) {
    return t instanceof Term.VarRef r && r.indices().isEmpty() ? params.get(r.name()) : null;
  }
}
