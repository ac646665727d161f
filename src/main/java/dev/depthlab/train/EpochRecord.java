package dev.depthlab.train;

/**
 * What one epoch of one run measured. Step-based fields are filled every epoch; the full-pass
 * fields ({@code diagnosed == true}) only on diagnostic epochs, NaN otherwise.
 *
 * <ul>
 *   <li>{@code batchLoss}: mean over the epoch's steps of each batch's mean loss (before its
 *       update): the seed's "loss per epoch".
 *   <li>{@code gradNormMean/Std}: mean and population std over the epoch's steps of the global
 *       weight-gradient L2 norm (all layers, biases excluded).
 *   <li>{@code layerGradMean/Std[l]}: the same per weight layer l (0 = first hidden layer).
 *   <li>{@code weightNorm[l]}: Frobenius norm of layer l's weights at the end of the epoch.
 *   <li>{@code updateRatio[l]}: |W_now - W_prev| / |W_prev|, Frobenius norms, W_prev being the
 *       weights at the previous diagnostic pass (or at initialisation).
 *   <li>{@code deadFraction[h]}: fraction of hidden layer h's units inactive on every training
 *       sample.
 *   <li>{@code sharpness}: the top eigenvalue of the training objective's Hessian at the end of the
 *       epoch ({@link Sharpness}), on the epochs {@code diagnostics.sharpness} asks for; NaN
 *       otherwise. {@code sharpnessResidual}: its Lanczos residual |H y - lambda y|; {@code
 *       batchSharpness}: the mean minibatch Rayleigh quotient along the minibatch gradient; both on
 *       the same epochs.
 * </ul>
 */
public record EpochRecord(
    int epoch,
    double batchLoss,
    double gradNormMean,
    double gradNormStd,
    double[] layerGradMean,
    double[] layerGradStd,
    boolean diagnosed,
    double trainLoss,
    double trainAccuracy,
    double testLoss,
    double testAccuracy,
    double[] weightNorm,
    double[] updateRatio,
    double[] deadFraction,
    double sharpness,
    double sharpnessResidual,
    double batchSharpness) {}
