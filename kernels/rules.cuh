// The rules that Java and the kernels must apply identically, as one table that both read: the
// kernels #include it (common.cuh), and Java reads its #define lines from the jar at start-up
// (dev.depthlab.model.Rules). Change a value here and both sides follow.
// Format (Rules parses it): one `#define DL_NAME value` per rule, value a decimal number.
#pragma once

// Activation codes, as the host passes them (Activation.ordinal(); Rules checks that these are
// the enum's ordinals).
#define DL_RELU 0
#define DL_LEAKY_RELU 1
#define DL_TANH 2

// |z| at or beyond which a tanh unit counts as saturated, i.e. inactive for the dead-unit
// statistic (tanh' < 1.4e-3 there). ReLU and LeakyReLU units are inactive where z <= 0.
#define DL_TANH_SATURATION 4.0

// A prediction p (the sigmoid output) says class 1 where p >= this; a label is class 1 where
// label >= this. The accuracy rule of evaluations and training batches.
#define DL_DECISION_THRESHOLD 0.5
