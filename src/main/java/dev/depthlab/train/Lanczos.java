package dev.depthlab.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The top k eigenvalues of symmetric operators, one per replica run in lockstep (each step is one
 * batched product for every replica), by the Lanczos iteration with full reorthogonalisation (Golub
 * and Van Loan, "Matrix Computations", 4th ed., 10.1-10.3): after step m the Ritz values of the m x
 * m tridiagonal T_m estimate the extreme eigenvalues, and the residual of Ritz pair (theta, y = Q
 * s) is {@code |A y - theta y| = beta_m |s_m|}. A replica stops once each of its top k pairs has
 * {@code |A y - theta y| <= tol |theta|}, when the Krylov space is invariant (beta_m = 0: its Ritz
 * values are exact eigenvalues), or after {@code maxSteps}. The residuals reported are then
 * computed with one more product per pair, not taken from the recurrence.
 *
 * <p>Full reorthogonalisation (each new vector made orthogonal to all earlier ones, twice) keeps
 * the basis orthonormal in floating point, so no copies of converged eigenvalues appear; its cost,
 * m dot products of the parameter count per step, is small beside a product with the Hessian.
 */
final class Lanczos {
  private Lanczos() {}

  /** A symmetric operator per replica: {@code out[r] = A_r v[r]}. */
  interface Operator {
    double[][] times(double[][] v);
  }

  /**
   * Per replica: {@code values[r]} the top eigenvalue estimates, largest first; {@code
   * residuals[r][i] = |A y_i - values[r][i] y_i|} with |y_i| = 1; {@code steps[r]} the Lanczos
   * steps taken; {@code vectors[r][i]} the Ritz vector y_i.
   */
  record Result(double[][] values, double[][] residuals, int[] steps, double[][][] vectors) {}

  /**
   * The top {@code k} eigenpairs of each replica's operator (of dimension {@code size}), starting
   * from {@code start} (any nonzero vector, the same for every replica), at most {@code maxSteps}
   * products plus k for the residuals.
   */
  static Result top(
      Operator op, int replicas, int size, int k, int maxSteps, double tol, double[] start) {
    int limit = Math.min(maxSteps, size);
    int kk = Math.min(k, limit);
    List<List<double[]>> basis = new ArrayList<>();
    double[][] alpha = new double[replicas][limit];
    double[][] beta = new double[replicas][limit];
    int[] steps = new int[replicas];
    boolean[] done = new boolean[replicas];
    double[][] q = new double[replicas][];
    double inv = 1.0 / norm(start);
    for (int r = 0; r < replicas; r++) {
      q[r] = new double[size];
      for (int i = 0; i < size; i++) {
        q[r][i] = start[i] * inv;
      }
      basis.add(new ArrayList<>());
    }
    for (int m = 0; m < limit; m++) {
      double[][] w = op.times(q);
      boolean all = true;
      for (int r = 0; r < replicas; r++) {
        if (done[r]) {
          continue;
        }
        basis.get(r).add(q[r]);
        steps[r] = m + 1;
        alpha[r][m] = dot(q[r], w[r]);
        for (int pass = 0; pass < 2; pass++) {
          for (double[] b : basis.get(r)) {
            axpy(-dot(b, w[r]), b, w[r]);
          }
        }
        beta[r][m] = norm(w[r]);
        Eigen t = Eigen.tridiagonal(alpha[r], beta[r], m + 1);
        boolean converged = Double.isNaN(alpha[r][m]) || m + 1 == limit;
        double scale = Math.abs(t.values[0]);
        if (!converged && beta[r][m] <= 1e-13 * Math.max(scale, Double.MIN_NORMAL)) {
          converged = true; // an invariant subspace: the Ritz values are eigenvalues
        } else if (!converged && m + 1 >= kk) {
          converged = true;
          for (int i = 0; i < kk; i++) {
            double res = beta[r][m] * Math.abs(t.vectors[m][i]);
            converged &= res <= tol * Math.abs(t.values[i]);
          }
        }
        if (converged) {
          done[r] = true;
        } else {
          q[r] = w[r];
          scaleTo(q[r], 1.0 / beta[r][m]);
          all = false;
        }
      }
      if (all) {
        break;
      }
    }
    return finish(op, replicas, size, kk, basis, alpha, beta, steps);
  }

  /** Ritz pairs of each replica's T_m, and their residuals by one product per pair. */
  private static Result finish(
      Operator op,
      int replicas,
      int size,
      int kk,
      List<List<double[]>> basis,
      double[][] alpha,
      double[][] beta,
      int[] steps) {
    double[][] values = new double[replicas][kk];
    double[][][] vectors = new double[replicas][kk][size];
    for (int r = 0; r < replicas; r++) {
      Eigen t = Eigen.tridiagonal(alpha[r], beta[r], steps[r]);
      for (int i = 0; i < kk; i++) {
        values[r][i] = t.values[i];
        for (int j = 0; j < steps[r]; j++) {
          axpy(t.vectors[j][i], basis.get(r).get(j), vectors[r][i]);
        }
      }
    }
    double[][] residuals = new double[replicas][kk];
    for (int i = 0; i < kk; i++) {
      double[][] y = new double[replicas][];
      for (int r = 0; r < replicas; r++) {
        y[r] = vectors[r][i];
      }
      double[][] ay = op.times(y);
      for (int r = 0; r < replicas; r++) {
        axpy(-values[r][i], y[r], ay[r]);
        residuals[r][i] = norm(ay[r]) / norm(y[r]);
      }
    }
    return new Result(values, residuals, steps, vectors);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s = Math.fma(a[k], b[k], s);
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** y += f x. */
  static void axpy(double f, double[] x, double[] y) {
    for (int k = 0; k < y.length; k++) {
      y[k] = Math.fma(f, x[k], y[k]);
    }
  }

  private static void scaleTo(double[] a, double f) {
    for (int k = 0; k < a.length; k++) {
      a[k] *= f;
    }
  }

  /**
   * Eigenvalues (largest first) and eigenvectors (columns, {@code vectors[row][i]}) of a small
   * symmetric matrix by cyclic Jacobi rotations (Golub and Van Loan 8.5.2).
   */
  static final class Eigen {
    final double[] values;
    final double[][] vectors;

    private Eigen(double[] values, double[][] vectors) {
      this.values = values;
      this.vectors = vectors;
    }

    /** Of the m x m tridiagonal with diagonal {@code alpha} and off-diagonal {@code beta}. */
    static Eigen tridiagonal(double[] alpha, double[] beta, int m) {
      double[][] a = new double[m][m];
      for (int i = 0; i < m; i++) {
        a[i][i] = alpha[i];
        if (i + 1 < m) {
          a[i][i + 1] = beta[i];
          a[i + 1][i] = beta[i];
        }
      }
      return of(a);
    }

    static Eigen of(double[][] m) {
      int n = m.length;
      double[][] a = new double[n][];
      double[][] v = new double[n][n];
      for (int i = 0; i < n; i++) {
        a[i] = m[i].clone();
        v[i][i] = 1;
      }
      for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0;
        double all = 0;
        for (int p = 0; p < n; p++) {
          all += a[p][p] * a[p][p];
          for (int r = p + 1; r < n; r++) {
            off += a[p][r] * a[p][r];
          }
        }
        if (!(off > 1e-30 * all)) {
          break;
        }
        for (int p = 0; p < n; p++) {
          for (int r = p + 1; r < n; r++) {
            if (a[p][r] != 0) {
              rotate(a, v, p, r);
            }
          }
        }
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
      double[] values = new double[n];
      double[][] vectors = new double[n][n];
      for (int i = 0; i < n; i++) {
        values[i] = a[order[i]][order[i]];
        for (int row = 0; row < n; row++) {
          vectors[row][i] = v[row][order[i]];
        }
      }
      return new Eigen(values, vectors);
    }

    /** One rotation zeroing a[p][q]; v accumulates the rotations (columns are eigenvectors). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
      double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      if (theta == 0) {
        t = 1;
      }
      double c = 1 / Math.sqrt(t * t + 1);
      double s = t * c;
      int n = a.length;
      for (int k = 0; k < n; k++) {
        double akp = a[k][p];
        double akq = a[k][q];
        a[k][p] = c * akp - s * akq;
        a[k][q] = s * akp + c * akq;
      }
      for (int k = 0; k < n; k++) {
        double apk = a[p][k];
        double aqk = a[q][k];
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
      }
      for (int k = 0; k < n; k++) {
        double vkp = v[k][p];
        double vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
}
