package dev.depthlab.model;

import java.util.Locale;

/**
 * How the gradient of one sample's loss with respect to the output pre-activation z is formed, p =
 * sigmoid(z) and y the label.
 *
 * <ul>
 *   <li>{@code FUSED}: {@code p - y}, the usual fused sigmoid-BCE rule (and nn_scratch's {@code
 *       y_hat - y}); the exact derivative of the unclipped BCE.
 *   <li>{@code CHAINED}: the nn-depth-study seed's rule: the derivative of the BCE at the clipped
 *       prediction pc = clip(p, eps, 1 - eps), chained through the sigmoid's derivative at the
 *       unclipped p: {@code ((1 - y) / (1 - pc) - y / pc) * p * (1 - p)}. Equal to {@code p - y} up
 *       to rounding wherever the clip is inactive; where it is active, a confidently wrong output
 *       gets a gradient damped by about (distance beyond the bound) / eps, exactly 0 once p rounds
 *       to 0 or 1, while a confidently right one keeps about {@code p - y}. It is the exact
 *       derivative of the BCE continued beyond each clip bound by its tangent line there.
 * </ul>
 *
 * The reported loss is the clipped BCE under either rule.
 */
public enum OutputGradient {
  FUSED,
  CHAINED;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The {@code CHAINED} rule for one sample in double, operation for operation as the seed writes
   * it ({@code module/losses.py} BCE.backward, then {@code module/activations.py} Sigmoid.backward)
   * and as {@code dl_bce_chained} in {@code kernels/common.cuh} does. The fp32 paths call it with
   * their float p, label and eps and round the result to float: in float, 1 - 1e-8 rounds to 1 and
   * the rule would divide 0 by 0.
   */
  public static double chained(double p, double label, double eps) {
    double pc = Math.min(Math.max(p, eps), 1.0 - eps);
    double dp = (1.0 - label) / (1.0 - pc) - label / pc;
    return dp * p * (1.0 - p);
  }
}
