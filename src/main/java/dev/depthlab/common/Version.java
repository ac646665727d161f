package dev.depthlab.common;

/** The depthlab version, as recorded in every run.json. */
public final class Version {
  public static final String STRING = "0.1.0";

  private Version() {}
}
