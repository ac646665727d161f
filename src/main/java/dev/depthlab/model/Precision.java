package dev.depthlab.model;

import java.util.Locale;

/** Floating-point precision a backend computes in. */
public enum Precision {
  FP32,
  FP64;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
