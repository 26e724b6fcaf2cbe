package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.Linalg;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Analytic standard errors: the observed information of a fit, for a hidden Markov model by the
 * forward recursion of derivatives ({@code ChainInformation}), for a factor model by the closed
 * form of its marginal Gaussian ({@code FactorInformation}), and so for a plain Gaussian or t
 * mixture past the sizes whose scores are written out ({@code GaussianInformation}), for a finite mixture
 * by Louis' identity, exact there,
 *
 * <pre>
 *   I = Σ_n [ Σ_k r_nk (−H_nk) − Σ_k r_nk s_nk s_nkᵀ + s_n s_nᵀ ],   s_n = Σ_k r_nk s_nk,
 * </pre>
 *
 * with s_nk and H_nk the complete-data score and Hessian of row n in component k, log φ_k
 * included, which the generated code writes ({@link EmModel#rowScores}). It is −∂²/∂θ∂θᵀ of the
 * observed log-likelihood Σ_n log p(x_n), at any θ, in one pass over the rows.
 *
 * <p>It is taken in free coordinates: a simplex's K − 1 first entries (its last is 1 minus their
 * sum), a covariance's distinct entries σ_ij, i ≤ j (each moving σ_ji with it), every other
 * number as the model stores it. The covariance of the estimates is I⁻¹ there,
 * mapped back (linearly, so exactly) to every stored number: the last simplex entry's variance is
 * that of the sum of the others. A free coordinate that I does not pin down (a pivot of its
 * Cholesky factor lost to rounding against its diagonal: an empty component, a parameter the data
 * do not identify) is named in a warning and left out, and so is every number that depends on it:
 * its standard error is NaN here, which the reports print as "not identified", never as NaN. So is
 * a probability or simplex entry at 0 or 1 (within {@link #EDGE}), whose maximum is on the boundary.
 *
 * <p>With a prior the fit is the posterior's mode (MAP), and I is minus the log posterior's
 * Hessian, the log prior's ({@link EmModel#priorHessian}) subtracted from the log-likelihood's: I⁻¹
 * is the covariance of the posterior's normal (Laplace) approximation at the mode. A parameter
 * kept centred over the components ({@link EmModel#centred}, a mixture of experts' gate) has K − 1
 * free values: each moves against the last component's, the values centred again.
 *
 * <p>Intervals are 95% Wald intervals, on the log scale for a positive parameter and on the logit
 * scale for a probability or simplex entry (the delta method maps the standard error there), so
 * that they stay inside the parameter's range.
 *
 * @param method how the information was taken: {@link #LOUIS} or {@link #FORWARD}, with a prior
 *     either as {@link #laplace} words it
 * @param names each stored number, as {@code mu[2][1]} (1-based), in {@link EmModel#params}' order
 * @param covariance the estimates' covariance over {@code names}; NaN where not identified
 * @param free the free coordinates the information was taken over
 * @param derived identified functions of parameters that are not identified themselves (a factor
 *     model's W Wᵀ, {@code FactorInformation}); {@link Derived#NONE} for most models
 */
public record Information(String method, List<String> names, double[][] covariance,
    Map<String, double[]> standardErrors, Map<String, double[]> lower, Map<String, double[]> upper, int free,
    List<String> warnings, Derived derived) {
  /** A model whose stored numbers are all the quantities reported. */
  public Information(String method, List<String> names, double[][] covariance, Map<String, double[]> standardErrors,
      Map<String, double[]> lower, Map<String, double[]> upper, int free, List<String> warnings) {
    this(method, names, covariance, standardErrors, lower, upper, free, warnings, Derived.NONE);
  }

  /**
   * Quantities reported beside the parameters, each with its standard error (by the delta method)
   * and 95% interval; NaN where not identified.
   *
   * @param note what they are, and why they are reported
   * @param names each one's name, as {@code WWᵀ[1][2]} (1-based)
   */
  public record Derived(String note, List<String> names, double[] values, double[] standardErrors, double[] lower,
      double[] upper) {
    public static final Derived NONE = new Derived("", List.of(), new double[0], new double[0], new double[0],
        new double[0]);

    public Derived {
      names = List.copyOf(names);
    }
  }

  /** How a mixture's information is taken. */
  public static final String LOUIS = "observed information by Louis' identity, from the compiled complete-data scores";
  /** How a hidden Markov model's is. */
  public static final String FORWARD = "observed information by the forward recursion of the log-likelihood's"
      + " first and second derivatives (Lystig and Hughes 2002), from the compiled emission scores";

  /** How the information is taken with a prior, whose fit is the posterior's mode (MAP). */
  public static String laplace(String likelihood) {
    return "normal approximation to the posterior (Laplace) at the MAP: minus the compiled Hessian of the log prior"
        + " added to the log-likelihood's " + likelihood;
  }

  /** A pivot below this fraction of its diagonal is lost: the coordinate is not identified. */
  static final double SINGULAR = 1e-10;
  /**
   * A probability within this of 0 or 1 is on its range's edge, where EM's estimate creeps toward
   * the boundary and a Wald interval has no meaning.
   */
  public static final double EDGE = 1e-8;
  /** Below this fraction the coordinate's standard error is unreliable: a warning, but kept. */
  static final double ILL_CONDITIONED = 1e-6;
  private static final double Z = 1.959963984540054;

  /**
   * @param model a model of the fit's class (its parameters are set here)
   * @throws DataException when a row has an empty cell (its score would need the cell integrated out)
   */
  public static Information of(EmModel model, Map<String, double[]> params, DataMatrix data) throws DataException {
    if (model.latent() instanceof Latent.Factors f) {
      // Its information is the marginal Gaussian's, in closed form, with no generated scores.
      return FactorInformation.of(model, f, params, data);
    }
    if (model.normalMixture() != null && model.scoreLength() == 0) {
      // Past the sizes whose scores the generated code writes out, a plain Gaussian mixture's
      // information is taken in closed form.
      return GaussianInformation.of(model, model.normalMixture(), params, data);
    }
    if (model.tMixture() != null && model.scoreLength() == 0) {
      // And so a plain t mixture's, with w integrated out.
      return GaussianInformation.of(model, model.tMixture(), params, data);
    }
    int length = model.scoreLength();
    if (length == 0) {
      throw new IllegalArgumentException(model.name() + " has no score");
    }
    List<ParamInfo> infos = model.params();
    int[] base = new int[infos.size()];
    int total = 0;
    for (int p = 0; p < infos.size(); p++) {
      base[p] = total;
      double[] v = params.get(infos.get(p).name());
      System.arraycopy(v, 0, model.param(infos.get(p).name()), 0, v.length);
      total += v.length;
    }
    String bad = model.prepare();
    if (bad != null) {
      throw new IllegalArgumentException("the fitted parameters cannot be prepared: " + bad);
    }
    boolean[] read = new boolean[total];
    for (int c = 0; c < model.components(); c++) {
      for (int a = 0; a < length; a++) {
        read[model.scoreCoordinate(c, a)] = true;
      }
    }
    double[][] info;
    String method = LOUIS;
    if (model.latent() instanceof Latent.Chain chain) {
      method = FORWARD;
      int k = model.components();
      int first = base[index(infos, chain.initial())];
      int transitions = base[index(infos, chain.transition())];
      Arrays.fill(read, first, first + k, true);
      Arrays.fill(read, transitions, transitions + k * k, true);
      info = ChainInformation.observed(model, chain, data, total, length, first, transitions, read);
    } else {
      info = observed(model, data, total, length);
    }
    double[] prior = new double[total * total];
    if (model.priorHessian(prior)) {
      // The fit is the posterior's mode: minus the log posterior's Hessian is the precision of its
      // normal approximation there.
      method = laplace(method);
      for (int g = 0; g < total; g++) {
        for (int h = 0; h < total; h++) {
          info[g][h] -= prior[g * total + h];
        }
      }
    }
    return invert(method, infos, params, base, total, info, read, model.centred());
  }

  /**
   * A plain Gaussian or t mixture's information by its closed form ({@code GaussianInformation}),
   * which {@link #of} takes where the generated scores are not written; here at any size, so that
   * the two can be compared where both are.
   *
   * @throws IllegalArgumentException when the model is no plain Gaussian or t mixture
   */
  public static Information closedForm(EmModel model, Map<String, double[]> params, DataMatrix data)
      throws DataException {
    if (model.normalMixture() != null) {
      return GaussianInformation.of(model, model.normalMixture(), params, data);
    }
    if (model.tMixture() != null) {
      return GaussianInformation.of(model, model.tMixture(), params, data);
    }
    throw new IllegalArgumentException(model.name() + " is no plain Gaussian or t mixture");
  }

  private static int index(List<ParamInfo> infos, String name) {
    for (int p = 0; p < infos.size(); p++) {
      if (infos.get(p).name().equals(name)) {
        return p;
      }
    }
    throw new IllegalStateException("no parameter " + name);
  }

  /**
   * A row's responsibilities, in place, from r_k = log φ_k + log p(x | k) whose largest is
   * {@code max}; a labelled row's ({@code label} ≥ 0) are one-hot on its label, whose likelihood
   * is p(x, z = label) alone.
   */
  static void posterior(double[] r, int k, double max, int label) {
    if (label >= 0) {
      Arrays.fill(r, 0, k, 0.0);
      r[label] = 1.0;
      return;
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      r[c] = Math.exp(r[c] - max);
      sum += r[c];
    }
    for (int c = 0; c < k; c++) {
      r[c] /= sum;
    }
  }

  /** Adds w α and w α αᵀ to a Gaussian component's moments: the rows enter its Hessian only through them. */
  static void addMoments(double w, double[] alpha, int d, double[] first, double[] second) {
    for (int i = 0; i < d; i++) {
      first[i] += w * alpha[i];
      for (int j = 0; j < d; j++) {
        second[i * d + j] += w * alpha[i] * alpha[j];
      }
    }
  }

  /** The inverse of a's rows and columns {@code keep}, in place among NaN for the others. */
  static double[][] inverse(double[][] a, int[] keep) {
    int f = a.length;
    int m = keep.length;
    double[] sub = new double[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        sub[i * m + j] = a[keep[i]][keep[j]];
      }
    }
    double[] l = new double[m * m];
    if (!Linalg.cholesky(sub, 0, m, l, 0)) {
      throw new IllegalStateException("the identified part of the information is not positive definite");
    }
    double[][] out = new double[f][f];
    for (double[] row : out) {
      Arrays.fill(row, Double.NaN);
    }
    for (int j = 0; j < m; j++) {
      double[] e = new double[m];
      e[j] = 1;
      Linalg.solveCholesky(l, e, m);
      for (int i = 0; i < m; i++) {
        out[keep[i]][keep[j]] = e[i];
      }
    }
    return out;
  }

  /** A row's cells, all of which the scores read: an empty one is refused by its row's number. */
  static void checkCells(DataMatrix data, double[] values, int first, int n) throws DataException {
    for (int c = n * data.columns(); c < (n + 1) * data.columns(); c++) {
      if (Double.isNaN(values[c])) {
        throw new DataException(data.source(), "standard errors need every cell of the rows; row "
            + (first + n + 1) + " has an empty one");
      }
    }
  }

  /** Louis' identity, added up over the rows. */
  private static double[][] observed(EmModel model, DataMatrix data, int total, int length) throws DataException {
    int k = model.components();
    int[][] at = new int[k][length];
    for (int c = 0; c < k; c++) {
      for (int a = 0; a < length; a++) {
        at[c][a] = model.scoreCoordinate(c, a);
      }
    }
    double[][] info = new double[total][total];
    double[] score = new double[k * length];
    double[] hessian = new double[k * length * length];
    double[] sn = new double[total];
    boolean[] read = new boolean[total];
    for (int[] row : at) {
      for (int g : row) {
        read[g] = true;
      }
    }
    int[] used = java.util.stream.IntStream.range(0, total).filter(g -> read[g]).toArray();
    double[] r = new double[k];
    data.<DataException>slabs((values, first, rows) -> {
      for (int n = 0; n < rows; n++) {
        checkCells(data, values, first, n);
        int label = data.labels() == null ? -1 : data.labels()[first + n];
        if (label < 0) {
          model.responsibilities(values, n, n + 1, r);
        } else {
          // A labelled row's likelihood is p(x, z = label): its observed score and Hessian are that
          // component's complete-data ones, which Louis' identity gives with one-hot responsibilities.
          Arrays.fill(r, 0.0);
          r[label] = 1.0;
        }
        Arrays.fill(score, 0.0);
        Arrays.fill(hessian, 0.0);
        model.rowScores(values, n, score, hessian);
        double w = data.weight(first + n);
        for (int g : used) {
          sn[g] = 0.0;
        }
        for (int c = 0; c < k; c++) {
          double rc = r[c];
          if (rc == 0.0) {
            continue;
          }
          int s = c * length;
          for (int a = 0; a < length; a++) {
            double sa = score[s + a];
            sn[at[c][a]] += rc * sa;
            for (int b = 0; b < length; b++) {
              double hab = a <= b ? hessian[(s + a) * length + b] : hessian[(s + b) * length + a];
              info[at[c][a]][at[c][b]] -= w * rc * (hab + sa * score[s + b]);
            }
          }
        }
        for (int g : used) {
          for (int h : used) {
            info[g][h] += w * sn[g] * sn[h];
          }
        }
      }
    });
    return info;
  }

  /** I⁻¹ in free coordinates, mapped back to every stored number. */
  private static Information invert(String method, List<ParamInfo> infos, Map<String, double[]> params, int[] base, int total,
      double[][] info, boolean[] read, List<String> centred) {
    List<String> names = new ArrayList<>();
    double[] value = new double[total];
    ParamInfo[] owner = new ParamInfo[total];
    for (int p = 0; p < infos.size(); p++) {
      ParamInfo pi = infos.get(p);
      double[] v = params.get(pi.name());
      for (int i = 0; i < v.length; i++) {
        names.add(label(pi, i));
        value[base[p] + i] = v[i];
        owner[base[p] + i] = pi;
      }
    }
    // The map from free coordinates to stored numbers: θ = θ̂ + A η. A simplex's last entry moves
    // against the others; a number no density reads (a covariance's σ_ji, i > j, which σ_ij moves) is not free.
    List<double[]> columns = new ArrayList<>();
    List<Integer> freeAt = new ArrayList<>();
    List<Boolean> edges = new ArrayList<>();
    for (int p = 0; p < infos.size(); p++) {
      ParamInfo pi = infos.get(p);
      int n = params.get(pi.name()).length;
      int each = pi.constraint() == ParamInfo.Constraint.SIMPLEX ? pi.elements() : 1;
      boolean shifted = centred.contains(pi.name());
      for (int i = 0; i < n; i++) {
        int g = base[p] + i;
        // A simplex's last entry is 1 minus the others: with one component, φ = 1 is not free at all.
        boolean last = pi.constraint() == ParamInfo.Constraint.SIMPLEX && i % each == each - 1
            || shifted && i / pi.elements() == pi.copies() - 1;
        if (last || !read[g]) {
          continue;
        }
        double[] col = new double[total];
        col[g] = 1;
        if (shifted) {
          // Component j's value moves against the last's, and the rows are centred again: each
          // component's value moves by −1/K, j's own by 1 − 1/K.
          for (int c = 0; c < pi.copies(); c++) {
            col[base[p] + c * pi.elements() + i % pi.elements()] -= 1.0 / pi.copies();
          }
        }
        if (each > 1) {
          col[base[p] + (i / each) * each + each - 1] = -1;
        }
        if (pi.constraint() == ParamInfo.Constraint.COVARIANCE) {
          // σ_ij (i < j, the entry the scores read) moves σ_ji with it.
          int d = pi.shape()[0];
          int at = i % (d * d);
          col[g - at + (at % d) * d + at / d] = 1;
        }
        columns.add(col);
        freeAt.add(g);
        double v = value[g];
        edges.add(switch (pi.constraint()) {
          case SIMPLEX -> v < EDGE || value[base[p] + (i / each) * each + each - 1] < EDGE;
          case PROBABILITY -> v < EDGE || v > 1 - EDGE;
          default -> false;
        });
      }
    }
    int f = columns.size();
    double[][] a = new double[f][f];
    for (int i = 0; i < f; i++) {
      double[] ci = columns.get(i);
      for (int j = 0; j < f; j++) {
        double[] cj = columns.get(j);
        double s = 0;
        for (int g = 0; g < total; g++) {
          if (ci[g] == 0) {
            continue;
          }
          for (int h = 0; h < total; h++) {
            if (cj[h] != 0) {
              s += ci[g] * info[g][h] * cj[h];
            }
          }
        }
        a[i][j] = s;
      }
    }
    List<String> warnings = new ArrayList<>();
    boolean[] kept = pivots(a, i -> names.get(freeAt.get(i)), i -> edges.get(i), warnings);
    int[] keep = java.util.stream.IntStream.range(0, f).filter(i -> kept[i]).toArray();
    double[][] cfree = inverse(a, keep);
    // C = A C_free Aᵀ; a stored number that no free coordinate moves has no variance: NaN.
    double[][] cov = new double[total][total];
    boolean[] moved = new boolean[total];
    for (double[] col : columns) {
      for (int g = 0; g < total; g++) {
        moved[g] |= col[g] != 0;
      }
    }
    for (int g = 0; g < total; g++) {
      for (int h = 0; h < total; h++) {
        double s = 0;
        for (int i = 0; i < f; i++) {
          double ag = columns.get(i)[g];
          if (ag == 0) {
            continue;
          }
          for (int j = 0; j < f; j++) {
            double ah = columns.get(j)[h];
            if (ah != 0) {
              s += ag * cfree[i][j] * ah;
            }
          }
        }
        cov[g][h] = moved[g] && moved[h] ? s : Double.NaN;
      }
    }
    Map<String, double[]> se = new LinkedHashMap<>();
    Map<String, double[]> lower = new LinkedHashMap<>();
    Map<String, double[]> upper = new LinkedHashMap<>();
    for (int p = 0; p < infos.size(); p++) {
      ParamInfo pi = infos.get(p);
      int n = params.get(pi.name()).length;
      double[] s = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      for (int i = 0; i < n; i++) {
        int g = base[p] + i;
        double v = cov[g][g];
        s[i] = v >= 0 ? Math.sqrt(v) : Double.NaN;
        double[] ci = interval(pi.constraint(), value[g], s[i]);
        lo[i] = ci[0];
        hi[i] = ci[1];
      }
      se.put(pi.name(), s);
      lower.put(pi.name(), lo);
      upper.put(pi.name(), hi);
    }
    return new Information(method, List.copyOf(names), cov, se, lower, upper, f, List.copyOf(warnings));
  }

  /**
   * Which free coordinates the information identifies: a Cholesky factorization that passes over
   * a coordinate whose pivot is lost against its diagonal, or that is on its range's edge, and
   * warns by name.
   */
  static boolean[] pivots(double[][] a, java.util.function.IntFunction<String> name,
      java.util.function.IntPredicate edge, List<String> warnings) {
    int f = a.length;
    boolean[] kept = new boolean[f];
    double[][] l = new double[f][f];
    for (int i = 0; i < f; i++) {
      if (edge.test(i)) {
        warnings.add(name.apply(i) + " is at the edge of its range (a probability of 0 or 1): the maximum is on"
            + " the boundary, where the information gives no standard error (a hidden Markov model fitted to"
            + " one sequence puts its first state's probability on one state), so it gets none; the others are"
            + " taken with it fixed");
        continue;
      }
      double d = a[i][i];
      for (int m = 0; m < i; m++) {
        d -= l[i][m] * l[i][m];
      }
      if (!(a[i][i] > 0) || !(d > SINGULAR * a[i][i])) {
        warnings.add("the information matrix is singular at " + name.apply(i)
            + ": the data do not pin it down given the others (an empty component, or a parameter not"
            + " identified), so it and what depends on it get no standard error");
        continue;
      }
      if (d < ILL_CONDITIONED * a[i][i]) {
        warnings.add("the information matrix is ill-conditioned at " + name.apply(i)
            + ": its standard error is unreliable");
      }
      kept[i] = true;
      double li = Math.sqrt(d);
      l[i][i] = li;
      for (int j = i + 1; j < f; j++) {
        double s = a[j][i];
        for (int m = 0; m < i; m++) {
          s -= l[j][m] * l[i][m];
        }
        l[j][i] = s / li;
      }
    }
    return kept;
  }

  /** The 95% Wald interval, on the scale where the parameter's range is the whole line. */
  static double[] interval(ParamInfo.Constraint c, double v, double se) {
    if (Double.isNaN(se)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return switch (c) {
      case POSITIVE -> new double[] {v * Math.exp(-Z * se / v), v * Math.exp(Z * se / v)};
      case PROBABILITY, SIMPLEX -> {
        double logit = Math.log(v / (1 - v));
        double half = Z * se / (v * (1 - v));
        yield new double[] {1 / (1 + Math.exp(-(logit - half))), 1 / (1 + Math.exp(-(logit + half)))};
      }
      default -> new double[] {v - Z * se, v + Z * se};
    };
  }

  /** A stored number's name as the summary prints it: {@code mu[2][1]}, 1-based, component first. */
  public static String label(ParamInfo p, int flat) {
    int[] dims = Params.dims(p);
    StringBuilder place = new StringBuilder();
    int rest = flat;
    for (int level = dims.length - 1; level >= 0; level--) {
      place.insert(0, "[" + (rest % dims[level] + 1) + "]");
      rest /= dims[level];
    }
    return p.name() + place;
  }
}
