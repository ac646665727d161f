package dev.depthlab.train;

import dev.depthlab.model.Parameters;
import java.util.List;

/** A finished run: its spec, every epoch's record, its summary, final parameters and timing. */
public record RunResult(
    RunSpec spec,
    List<EpochRecord> epochs,
    RunSummary summary,
    Parameters finalParameters,
    double wallSeconds) {}
