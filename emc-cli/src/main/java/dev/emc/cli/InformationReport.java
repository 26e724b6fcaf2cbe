package dev.emc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Information;
import dev.emc.runtime.fit.Params;
import java.util.Locale;

/**
 * What `emc fit --se` prints and writes: each parameter's standard error from the observed
 * information, and its 95% Wald interval. A number the information does not identify is "not
 * identified" in the summary and null in the JSON, never NaN.
 */
final class InformationReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String INTERVAL = "95% Wald interval: estimate ± 1.96 SE, on the log scale for a positive parameter"
      + " and the logit scale for a probability";

  private InformationReport() {}

  /**
   * The JSON's {@code standardErrors} (nested as {@code params}), {@code covariance} (over every
   * stored number, named) and {@code information} (how, the intervals, and any derived quantities).
   */
  static void write(ObjectNode json, FitResult fit, Information info) {
    ObjectNode se = json.putObject("standardErrors");
    ObjectNode node = json.putObject("information");
    node.put("method", info.method());
    node.put("freeParameters", info.free());
    node.put("interval", INTERVAL);
    ObjectNode lower = node.putObject("lower");
    ObjectNode upper = node.putObject("upper");
    for (ParamInfo p : fit.model().params()) {
      se.set(p.name(), finite(JSON.valueToTree(Params.nested(p, info.standardErrors().get(p.name())))));
      lower.set(p.name(), finite(JSON.valueToTree(Params.nested(p, info.lower().get(p.name())))));
      upper.set(p.name(), finite(JSON.valueToTree(Params.nested(p, info.upper().get(p.name())))));
    }
    ArrayNode warnings = node.putArray("warnings");
    info.warnings().forEach(warnings::add);
    Information.Derived derived = info.derived();
    if (!derived.names().isEmpty()) {
      ObjectNode d = node.putObject("derived");
      d.put("note", derived.note());
      ArrayNode names = d.putArray("parameters");
      derived.names().forEach(names::add);
      d.set("estimates", finite(JSON.valueToTree(derived.values())));
      d.set("standardErrors", finite(JSON.valueToTree(derived.standardErrors())));
      d.set("lower", finite(JSON.valueToTree(derived.lower())));
      d.set("upper", finite(JSON.valueToTree(derived.upper())));
    }
    ObjectNode cov = json.putObject("covariance");
    ArrayNode names = cov.putArray("parameters");
    info.names().forEach(names::add);
    cov.set("matrix", finite(JSON.valueToTree(info.covariance())));
  }

  /** NaN, which JSON has no word for, as null. */
  private static JsonNode finite(JsonNode n) {
    if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, finite(a.get(i)));
      }
      return a;
    }
    return n.isNumber() && !Double.isFinite(n.asDouble()) ? JSON.nullNode() : n;
  }

  /** Each number as the summary prints it, with its standard error and interval beside it: one number a line. */
  static String of(FitResult fit, Information info) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nstandard errors: %s, over %d free parameters%n", info.method(), info.free()));
    out.append(String.format(Locale.ROOT, "  (%s)%n%n", INTERVAL));
    out.append(String.format(Locale.ROOT, "  %-16s %12s %12s   %s%n", "", "estimate", "std. error", "95% interval"));
    for (ParamInfo p : fit.model().params()) {
      double[] v = fit.params().get(p.name());
      for (int i = 0; i < v.length; i++) {
        double se = info.standardErrors().get(p.name())[i];
        // A simplex of one entry (one component's weight) is 1 by definition, not an estimate.
        String none = p.constraint() == ParamInfo.Constraint.SIMPLEX && p.elements() == 1 ? "fixed" : "not identified";
        out.append(Double.isNaN(se)
            ? String.format(Locale.ROOT, "  %-16s %12s %12s%n", Information.label(p, i), number(v[i]), none)
            : String.format(Locale.ROOT, "  %-16s %12s %12s   [%s, %s]%n", Information.label(p, i), number(v[i]),
                number(se), number(info.lower().get(p.name())[i]), number(info.upper().get(p.name())[i])));
      }
    }
    Information.Derived derived = info.derived();
    if (!derived.names().isEmpty()) {
      out.append(String.format(Locale.ROOT, "%n  derived: %s%n%n", derived.note()));
      for (int i = 0; i < derived.names().size(); i++) {
        double se = derived.standardErrors()[i];
        out.append(Double.isNaN(se)
            ? String.format(Locale.ROOT, "  %-16s %12s %12s%n", derived.names().get(i), number(derived.values()[i]),
                "not identified")
            : String.format(Locale.ROOT, "  %-16s %12s %12s   [%s, %s]%n", derived.names().get(i),
                number(derived.values()[i]), number(se), number(derived.lower()[i]), number(derived.upper()[i])));
      }
    }
    return out.toString();
  }

  static String number(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
