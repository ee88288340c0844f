package io.retention.clv;

import java.util.List;
import java.util.Map;

/**
 * A fitted model as it is stored in gold.clv_model: parameters and standard errors by name (a null standard
 * error is explained in {@code warnings}), the log-likelihood, how many customers and patterns it saw, and
 * the optimiser's diagnostics.
 */
public record ModelFit(String model, Map<String, Double> parameters, Map<String, Double> stdErrors,
    double logLikelihood, long customers, long patterns, long excludedCustomers, double penalizer, int iterations,
    int evaluations, double gradientNorm, boolean converged, List<String> warnings) {

  public static final String BGNBD = "bgnbd";
  public static final String GAMMA_GAMMA = "gamma_gamma";

  public double param(String name) {
    Double v = parameters.get(name);
    if (v == null) {
      throw new IllegalArgumentException(model + ": no parameter " + name);
    }
    return v;
  }

  /** One line per parameter: {@code name = value (se)}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(model).append(String.format(java.util.Locale.ROOT,
        ": LL %.4f, %d customers, %d patterns, %d iterations, gradient norm %.2e%s%n", logLikelihood, customers,
        patterns, iterations, gradientNorm, converged ? "" : " (NOT converged)"));
    for (Map.Entry<String, Double> e : parameters.entrySet()) {
      Double se = stdErrors.get(e.getKey());
      sb.append(String.format(java.util.Locale.ROOT, "  %-6s %12.6f  (se %s)%n", e.getKey(), e.getValue(),
          se == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.6f", se)));
    }
    for (String w : warnings) {
      sb.append("  WARNING ").append(w).append(System.lineSeparator());
    }
    return sb.toString();
  }
}
