package io.retention.clv;

import io.retention.pipeline.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Maximum likelihood for a handful of positive parameters, on the driver. Works in log-parameter space:
 * minimises {@code -LL(p)/W + penalizer * sum(p^2)} (W = number of customers, the convention of the
 * {@code lifetimes} library) with BFGS on the analytic gradient (value and gradient come from one pass over the
 * patterns), then polishes with Newton steps on a finite-difference Hessian of the analytic gradient. Standard
 * errors come from the inverse Hessian of the total negative log-likelihood in natural parameters.
 *
 * <p>Breeze's L-BFGS was the first choice, but its {@code DiffFunction} trait cannot be implemented from Java
 * (conflicting {@code apply} bridge signatures); commons-math3 has no quasi-Newton method, and its non-linear
 * conjugate gradient (used before) spent ~350 likelihood evaluations per BG/NBD fit in value-only line
 * searches. With three or four parameters a dense BFGS is a few dozen lines and needs ~30-60 evaluations.
 *
 * <p>Guards: log-parameters beyond &plusmn;{@value #WALL} meet a quadratic wall (parameters stay finite);
 * beyond &plusmn;{@value #WARN_LOG} (outside 1e-3 .. 1e3; callers rescale their data so that sensible
 * parameters are well inside) the fit carries a boundary warning; a gradient norm above
 * {@value #GRADIENT_TOLERANCE} or a Hessian that is not positive definite also give warnings, never NaN.
 */
final class MleFitter {
  static final double WALL = 20;
  static final double WARN_LOG = 6.91;
  static final double GRADIENT_TOLERANCE = 1e-5;
  static final double BFGS_TOLERANCE = 1e-9;
  static final int MAX_ITERATIONS = 1_000;
  static final double MAX_STEP = 5;

  /** Total log-likelihood at natural parameters {@code p}; fills {@code gradient} with dLL/dp. */
  interface LogLikelihood {
    double value(double[] p, double[] gradient);
  }

  /** The fitted parameters with diagnostics. Standard errors are NaN only where {@link #warnings} says so. */
  record Result(double[] params, double[] stdErrors, double logLikelihood, int iterations, int evaluations,
      double gradientNorm, boolean converged, List<String> warnings) {}

  private final String model;
  private final String[] names;
  private final LogLikelihood ll;
  private final double weight;
  private final double penalizer;
  private int evaluations;

  MleFitter(String model, String[] names, LogLikelihood ll, double weight, double penalizer) {
    this.model = model;
    this.names = names.clone();
    this.ll = ll;
    this.weight = weight;
    this.penalizer = penalizer;
  }

  Result fit(double[] start) {
    double[] theta = Arrays.stream(start).map(Math::log).toArray();
    try {
      int iterations = bfgs(theta);
      Progress.step("fitting " + model + ", Newton polish", 0, 0);
      iterations += newtonPolish(theta);
      return result(theta, iterations);
    } finally {
      Progress.endStep();
    }
  }

  /**
   * Quasi-Newton (BFGS, dense inverse-Hessian approximation: a handful of parameters) with a backtracking
   * Armijo line search on the value and analytic gradient evaluated together; steps are capped at
   * {@value #MAX_STEP} in log space so that a trial never jumps to overflow. Stops when the gradient norm is
   * below {@value #BFGS_TOLERANCE}, when the objective no longer decreases, or after {@value #MAX_ITERATIONS}
   * iterations (the Newton polish and the diagnostics then speak). Moves {@code theta}; returns the iterations.
   */
  private int bfgs(double[] theta) {
    int n = theta.length;
    double[] g = new double[n];
    double f = objective(theta, g);
    if (!Double.isFinite(f)) {
      return 0;
    }
    double[][] h = identity(n);
    boolean scaled = false;
    int stalled = 0;
    int it = 0;
    for (; it < MAX_ITERATIONS && norm(g) > BFGS_TOLERANCE; it++) {
      Progress.step("fitting " + model + ", BFGS iteration", it + 1, 0);
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          d[i] -= h[i][k] * g[k];
        }
      }
      double slope = dot(d, g);
      if (!(slope < 0)) {
        h = identity(n);
        scaled = false;
        for (int i = 0; i < n; i++) {
          d[i] = -g[i];
        }
        slope = dot(d, g);
      }
      double longest = 0;
      for (double v : d) {
        longest = Math.max(longest, Math.abs(v));
      }
      double step = longest > MAX_STEP ? MAX_STEP / longest : 1;
      double[] trial = new double[n];
      double[] gTrial = new double[n];
      double fTrial;
      while (true) {
        for (int i = 0; i < n; i++) {
          trial[i] = theta[i] + step * d[i];
        }
        fTrial = objective(trial, gTrial);
        if (fTrial <= f + 1e-4 * step * slope || atFloor(f, fTrial, norm(g), gTrial)) {
          break;
        }
        step /= 2;
        if (step < 1e-8) {
          return it;
        }
      }
      double[] s = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = trial[i] - theta[i];
        y[i] = gTrial[i] - g[i];
      }
      double sy = dot(s, y);
      if (sy > 1e-12 * norm(s) * norm(y)) {
        if (!scaled) {
          double scale = sy / dot(y, y);
          for (int i = 0; i < n; i++) {
            h[i][i] = scale;
          }
          scaled = true;
        }
        h = bfgsUpdate(h, s, y, sy);
      }
      stalled = f - fTrial <= 1e-15 * Math.max(1, Math.abs(f)) && norm(gTrial) > norm(g) / 2 ? stalled + 1 : 0;
      System.arraycopy(trial, 0, theta, 0, n);
      System.arraycopy(gTrial, 0, g, 0, n);
      f = fTrial;
      if (stalled >= 3) {
        return it + 1;
      }
    }
    return it;
  }

  /**
   * Near the optimum of a large data set the objective's rounding noise (~1e-16 |f|) exceeds the decrease a step
   * can show, so a value test alone rejects every step: accept a trial whose value equals the current one within
   * rounding if it lowers the gradient norm (the analytic gradient stays accurate there).
   */
  private static boolean atFloor(double f, double fTrial, double gradNorm, double[] gTrial) {
    return Math.abs(fTrial - f) <= 1e-14 * Math.max(1, Math.abs(f)) && norm(gTrial) < gradNorm;
  }

  /** H+ = (I - rho s y') H (I - rho y s') + rho s s', rho = 1 / (s'y). */
  private static double[][] bfgsUpdate(double[][] h, double[] s, double[] y, double sy) {
    int n = s.length;
    double rho = 1 / sy;
    double[] hy = new double[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        hy[i] += h[i][k] * y[k];
      }
    }
    double yhy = dot(y, hy);
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        out[i][k] = h[i][k] - rho * (hy[i] * s[k] + s[i] * hy[k]) + (rho * rho * yhy + rho) * s[i] * s[k];
      }
    }
    return out;
  }

  private static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }

  /** The minimised objective in log space (mean negative LL + penalty + wall); fills {@code grad} if given. */
  double objective(double[] theta, double[] grad) {
    evaluations++;
    int n = theta.length;
    double[] p = new double[n];
    double wall = 0;
    for (int i = 0; i < n; i++) {
      double t = Math.max(-WALL, Math.min(WALL, theta[i]));
      p[i] = Math.exp(t);
      wall += 100 * (theta[i] - t) * (theta[i] - t);
    }
    double[] g = new double[n];
    double value = -ll.value(p, g) / weight + wall;
    for (int i = 0; i < n; i++) {
      value += penalizer * p[i] * p[i];
      if (grad != null) {
        double t = Math.max(-WALL, Math.min(WALL, theta[i]));
        grad[i] = (-g[i] / weight + 2 * penalizer * p[i]) * p[i] + 200 * (theta[i] - t);
      }
    }
    return Double.isNaN(value) ? Double.POSITIVE_INFINITY : value;
  }

  /**
   * Newton steps with step halving on the finite-difference Hessian, until the gradient norm is at most
   * {@value #BFGS_TOLERANCE} (one evaluation when BFGS got there) or a step no longer lowers the objective
   * beyond rounding; returns the steps taken.
   */
  private int newtonPolish(double[] theta) {
    int steps = 0;
    double previous = Double.POSITIVE_INFINITY;
    double previousNorm = Double.POSITIVE_INFINITY;
    for (; steps < 30; steps++) {
      double[] g = new double[theta.length];
      double f = objective(theta, g);
      double gn = norm(g);
      // converged, or the last step gained nothing: neither the value (above rounding) nor the gradient norm
      if (gn <= BFGS_TOLERANCE
          || (previous - f <= 1e-15 * Math.max(1, Math.abs(f)) && gn > previousNorm / 2)) {
        break;
      }
      previous = f;
      previousNorm = gn;
      double[] d;
      try {
        d = new CholeskyDecomposition(hessian(theta, this::objective)).getSolver()
            .solve(new org.apache.commons.math3.linear.ArrayRealVector(g)).mapMultiply(-1).toArray();
      } catch (MathIllegalArgumentException e) {
        break;
      }
      if (!improve(theta, d, f, gn)) {
        break;
      }
    }
    return steps;
  }

  private boolean improve(double[] theta, double[] d, double f, double gradNorm) {
    for (double s = 1; s > 1e-4; s /= 2) {
      double[] trial = theta.clone();
      for (int i = 0; i < trial.length; i++) {
        trial[i] += s * d[i];
      }
      double[] g = new double[theta.length];
      double fTrial = objective(trial, g);
      if (fTrial < f || atFloor(f, fTrial, gradNorm, g)) {
        System.arraycopy(trial, 0, theta, 0, theta.length);
        return true;
      }
    }
    return false;
  }

  private Result result(double[] theta, int iterations) {
    List<String> warnings = new ArrayList<>();
    double[] g = new double[theta.length];
    objective(theta, g);
    double gradNorm = norm(g);
    double[] p = Arrays.stream(theta).map(t -> Math.exp(Math.max(-WALL, Math.min(WALL, t)))).toArray();
    for (int i = 0; i < p.length; i++) {
      if (Math.abs(theta[i]) > WARN_LOG) {
        warnings.add(String.format(java.util.Locale.ROOT, "%s: parameter %s ran to its %s bound (%.3g on the "
            + "fitting scale): the data carries almost no information on it; predictions stay usable, consider "
            + "a penalizer", model, names[i], theta[i] < 0 ? "lower" : "upper", p[i]));
      }
    }
    boolean converged = gradNorm < GRADIENT_TOLERANCE;
    if (!converged) {
      warnings.add(String.format(java.util.Locale.ROOT, "%s: not converged, gradient norm %.3g (tolerance %.0e)",
          model, gradNorm, GRADIENT_TOLERANCE));
    }
    double[] se = standardErrors(p, warnings);
    double logLik = ll.value(p, new double[p.length]);
    return new Result(p, se, logLik, iterations, evaluations, gradNorm, converged, List.copyOf(warnings));
  }

  private double[] standardErrors(double[] p, List<String> warnings) {
    double[] se = new double[p.length];
    Arrays.fill(se, Double.NaN);
    try {
      RealMatrix h = hessian(p, (x, grad) -> {
        double v = -ll.value(x, grad);
        for (int i = 0; i < x.length; i++) {
          grad[i] = -grad[i] + 2 * penalizer * weight * x[i];
        }
        return v;
      });
      RealMatrix cov = new CholeskyDecomposition(h).getSolver().getInverse();
      for (int i = 0; i < p.length; i++) {
        se[i] = Math.sqrt(cov.getEntry(i, i));
      }
      if (Arrays.stream(se).anyMatch(v -> !Double.isFinite(v))) {
        Arrays.fill(se, Double.NaN);
        throw new MathIllegalArgumentException(
            org.apache.commons.math3.exception.util.LocalizedFormats.NAN_NOT_ALLOWED);
      }
    } catch (MathIllegalArgumentException e) {
      warnings.add(model + ": standard errors unavailable: the Hessian is not positive definite "
          + "(a parameter at a bound or a flat likelihood)");
    }
    return se;
  }

  interface Gradient {
    double value(double[] x, double[] grad);
  }

  /** Central differences of an analytic gradient, relative steps, symmetrised. */
  static RealMatrix hessian(double[] x, Gradient f) {
    int n = x.length;
    double[][] h = new double[n][n];
    for (int j = 0; j < n; j++) {
      double step = 1e-5 * Math.max(Math.abs(x[j]), 1e-3);
      double[] up = x.clone();
      double[] down = x.clone();
      up[j] += step;
      down[j] -= step;
      double[] gu = new double[n];
      double[] gd = new double[n];
      f.value(up, gu);
      f.value(down, gd);
      for (int i = 0; i < n; i++) {
        h[i][j] = (gu[i] - gd[i]) / (2 * step);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double m = (h[i][j] + h[j][i]) / 2;
        h[i][j] = m;
        h[j][i] = m;
      }
    }
    return new Array2DRowRealMatrix(h, false);
  }

  static double norm(double[] g) {
    double s = 0;
    for (double v : g) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** Names to values, in parameter order. */
  static Map<String, Double> named(String[] names, double[] values) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], Double.isNaN(values[i]) ? null : values[i]);
    }
    return m;
  }
}
