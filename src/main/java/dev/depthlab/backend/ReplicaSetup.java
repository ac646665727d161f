package dev.depthlab.backend;

import dev.depthlab.data.DataSet;
import dev.depthlab.model.Parameters;

/** One replica's starting point: its initial parameters and its own train and test sets. */
public record ReplicaSetup(Parameters initial, DataSet train, DataSet test) {}
