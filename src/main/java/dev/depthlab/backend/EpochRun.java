package dev.depthlab.backend;

import dev.depthlab.model.Parameters;
import java.util.List;

/**
 * One epoch of {@link Group#trainEpochs}: its per-step diagnostics, and for a diagnosed epoch the
 * evaluation and every replica's parameters after it (null otherwise): what {@link Group#endEpoch},
 * {@link Group#evaluate} and {@link Group#allParameters} return for that epoch.
 */
public record EpochRun(StepLog log, Evaluation evaluation, List<Parameters> parameters) {}
