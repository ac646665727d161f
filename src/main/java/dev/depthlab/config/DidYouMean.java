package dev.depthlab.config;

import java.util.Collection;

/** The suggestion for a mistyped word (a command, a value): the config keys' edit-distance rule. */
public final class DidYouMean {
  private DidYouMean() {}

  /** " (did you mean 'x'?)" for the closest candidate within two edits (one for short words). */
  public static String of(String typed, Collection<String> candidates) {
    return ConfigSchema.didYouMean(typed, candidates);
  }
}
