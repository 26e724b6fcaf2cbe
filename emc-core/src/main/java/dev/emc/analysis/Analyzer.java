package dev.emc.analysis;

import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.latent.LatentPlanner;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.Planning;
import dev.emc.diag.Diagnostics;
import dev.emc.dist.FactorSite;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Role;
import dev.emc.semantics.Size;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analysis stage: a checked model, with every size known, to its {@link EmPlan}.
 *
 * <p>This is the part every latent structure shares. It checks the sizes and that the model has
 * latent variables are a combination some structure claims, lays out the data and the parameters, and asks each structure of
 * {@link LatentPlanner#inOrder()} in turn whether the latent is its kind; the one that claims it
 * plans the E-step and its statistics, and leaves the other statements to their families
 * ({@link FamilyPlanner}). What it cannot turn into EM is a located error naming the statement
 * and the reason.
 */
public final class Analyzer {
  private static final List<LatentPlanner> STRUCTURES = LatentPlanner.inOrder();

  private final CheckedModel model;
  private final Diagnostics diagnostics;
  private final Map<String, Integer> sizes = new LinkedHashMap<>();

  private Analyzer(CheckedModel model, Diagnostics diagnostics) {
    this.model = model;
    this.diagnostics = diagnostics;
  }

  public static Optional<EmPlan> plan(CheckedModel model, Diagnostics diagnostics) {
    return new Analyzer(model, diagnostics).run();
  }

  /** Two latent variables in words: what each is, and the model class they make together. */
  private static String combination(Variable first, Variable second) {
    boolean finite1 = first.type().kind() == Kind.CATEGORY;
    boolean finite2 = second.type().kind() == Kind.CATEGORY;
    String what = finite1 && finite2 ? "two finite latents together (a product of two mixtures, or a mixture"
        + " of mixtures)"
        : finite1 || finite2 ? "a finite latent together with a continuous one, in a form other than a mixture"
            + " of factor analysers or a t mixture (such as a latent chain above factors or a scale)"
        : "two continuous latents together";
    return "two latent variables, " + first.name() + " (" + first.type() + ") and " + second.name() + " ("
        + second.type() + "): " + what;
  }

  private Optional<EmPlan> run() {
    for (Size s : model.sizes().values()) {
      if (s.value().isEmpty()) {
        diagnostics.error("size", s.name() + " (" + s.origin() + ") is not set; give it in the model ("
            + s.name() + " = …;), with --set " + s.name() + "=…, or from the data");
      } else {
        sizes.put(s.name(), s.value().getAsInt());
      }
    }
    List<Variable> latents = model.withRole(Role.LATENT);
    if (latents.isEmpty()) {
      diagnostics.errorInFile("structure",
          "the model has no latent variable, so it needs no EM; a mixture has one, as in"
          + " `z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);`");
      return Optional.empty();
    }
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    Optional<LatentPlanner> claimed = STRUCTURES.stream().filter(s -> s.claims(model, latents)).findFirst();
    if (claimed.isEmpty() && latents.size() == 1) {
      // A latent scale alone: it is inferred given a finite latent's value.
      diagnostics.error("structure", latents.get(0).span(), "the latent scale " + latents.get(0).name()
          + " is inferred given each component of a mixture; a single t distribution is a mixture of K = 1:"
          + " `K = 1; z ~ Categorical(phi); w ~ Gamma(nu[z] / 2, nu[z] / 2); x ~ Normal(mu[z], Sigma[z] / w);`");
      return Optional.empty();
    }
    if (claimed.isEmpty()) {
      // Every other single latent is claimed (a finite one is at least enumerated): a combination.
      diagnostics.error("structure", latents.get(1).span(), combination(latents.get(0), latents.get(1))
          + " is not supported yet; emc fits one latent variable per row: finite and independent across"
          + " rows (mixtures, mixtures of regressions), a chain over each sequence's rows (hidden Markov"
          + " models: `first(z) ~ Categorical(pi0); z ~ Categorical(A[prev(z)]);`), a continuous vector"
          + " (factor analysis: `h ~ Normal(0, 1); x ~ Normal(W * h + mu, Psi);`, and a mixture of them with"
          + " `W[z]`, `mu[z]`), or a finite latent with a positive scale given it (t mixtures:"
          + " `w ~ Gamma(nu[z] / 2, nu[z] / 2); x ~ Normal(mu[z], Sigma[z] / w);`)");
      return Optional.empty();
    }
    LatentPlanner structure = claimed.get();
    // The latent whose values the components are: the finite one, when there is one.
    Variable latent = latents.stream().filter(v -> v.type().kind() == Kind.CATEGORY).findFirst()
        .orElse(latents.get(0));
    Shared shared = new Shared(latent, latents, dataSlots());
    List<String> statements = model.distributions().stream().map(shared::text).toList();
    int columns = shared.data.stream().mapToInt(DataSlot::width).sum();
    return structure.plan(shared).map(p -> new EmPlan(model.name(), statements, sizes, List.of(p.structure()),
        shared.data, columns, p.params(), p.settings(), p.factors(), p.priors()));
  }

  /** The data variables and covariates, side by side in a row, in declaration order. */
  private List<DataSlot> dataSlots() {
    List<DataSlot> data = new ArrayList<>();
    int columns = 0;
    for (Variable v : model.observed()) {
      Shape shape = shapeOf(v.type());
      int width = shape.isScalar() ? 1 : value(shape.dim());
      data.add(new DataSlot(v.name(), v.type(), Symbol.data(v.name(), shape), columns, width,
          v.role() == Role.COVARIATE));
      columns += width;
    }
    return data;
  }

  private int value(Dim d) {
    if (d instanceof Dim.Known k) {
      return k.value();
    }
    Integer v = sizes.get(((Dim.Named) d).name());
    if (v == null) {
      throw new IllegalStateException("size " + d + " has no value");
    }
    return v;
  }

  private static Shape shapeOf(Type t) {
    if (t.kind() == Kind.COV) {
      return Shape.matrix(t.dim());
    }
    if (t.kind() == Kind.MATRIX) {
      return Shape.matrix(t.dims().get(0), t.dims().get(1));
    }
    return t.isScalar() ? Shape.SCALAR : Shape.vector(t.dim());
  }

  private ParamSlot paramSlot(Variable v, String latent, int k, String copiesCount) {
    Shape shape = shapeOf(v.type());
    boolean perComponent = v.index().contains(latent);
    int d = shape.isScalar() ? 1 : value(shape.dim());
    int cols = shape.isMatrix() ? value(shape.cols()) : 1;
    int elements = shape.isScalar() ? 1 : shape.isVector() ? d : d * cols;
    int free = switch (v.type().kind()) {
      case SIMPLEX -> d - 1;
      case COV -> d * (d + 1) / 2;
      // Loadings W and W R fit alike for any rotation R: Q(Q − 1)/2 of their numbers are not free.
      case MATRIX -> d * cols - cols * (cols - 1) / 2;
      default -> elements;
    };
    int copies = perComponent ? k : 1;
    // The same count in the sizes' names.
    String dn = shape.isScalar() ? "1" : ParamSlot.size(shape.dim());
    String cn = shape.isMatrix() ? ParamSlot.size(shape.cols()) : "1";
    String one = switch (v.type().kind()) {
      case SIMPLEX -> "(" + dn + " - 1)";
      case COV -> "(" + dn + " * (" + dn + " + 1) / 2)";
      case MATRIX -> "(" + dn + " * " + cn + " - " + cn + " * (" + cn + " - 1) / 2)";
      default -> shape.isScalar() ? "1" : shape.isVector() ? dn : "(" + dn + " * " + cn + ")";
    };
    return new ParamSlot(v.name(), v.type(), Symbol.param(v.name(), shape, perComponent),
        perComponent, elements, free * copies, !perComponent ? one : one.equals("1") ? copiesCount : copiesCount + " * " + one);
  }

  /** What this model's analysis shares with the structure that plans it. */
  private final class Shared implements Planning {
    private final Variable latent;
    private final List<Variable> latents;
    private final List<DataSlot> data;

    Shared(Variable latent, List<Variable> latents, List<DataSlot> data) {
      this.latent = latent;
      this.latents = List.copyOf(latents);
      this.data = data;
    }

    @Override
    public CheckedModel model() {
      return model;
    }

    @Override
    public Diagnostics diagnostics() {
      return diagnostics;
    }

    @Override
    public Variable latent() {
      return latent;
    }

    @Override
    public List<Variable> latents() {
      return latents;
    }

    @Override
    public int value(Dim d) {
      return Analyzer.this.value(d);
    }

    @Override
    public List<DataSlot> data() {
      return data;
    }

    @Override
    public Map<String, ParamSlot> params(int components) {
      Map<String, ParamSlot> params = new LinkedHashMap<>();
      // The components in a count: K, when they are the finite latent's values.
      String copies = latent.type().kind() == Kind.CATEGORY && value(latent.type().dim()) == components
          ? ParamSlot.size(latent.type().dim()) : Integer.toString(components);
      for (Variable v : model.withRole(Role.PARAM)) {
        params.put(v.name(), paramSlot(v, latent.name(), components, copies));
      }
      return params;
    }

    @Override
    public Optional<LatentPlanner.Plan> families(LatentStructure structure, Map<String, ParamSlot> params,
        List<Stochastic> statements) {
      return new FamilyPlanner(model, diagnostics, latent, data, params, null, null).plan(structure, statements);
    }

    @Override
    public Optional<LatentPlanner.Plan> families(LatentStructure structure, Map<String, ParamSlot> params,
        List<Stochastic> statements, Symbol w, FactorSite.Scale scale) {
      return FamilyPlanner.withScale(model, diagnostics, latent, data, params, w, scale).plan(structure, statements);
    }

    @Override
    public Optional<FamilyFactor> family(Map<String, ParamSlot> params, Stochastic statement, Symbol h,
        FactorSite.Moments moments) {
      return new FamilyPlanner(model, diagnostics, latent, data, params, h, moments).factor(statement);
    }
  }
}
