package dev.depthlab.common;

import java.util.List;

/**
 * One setting a backend declares for the study config: the key {@code <backend>.<key>} (e.g. {@code
 * cuda.graphs}), the values it accepts, its default and what it means. Settings say how a backend
 * runs, never what it computes, so they are not part of the protocol hash.
 *
 * @param backend the backend's name, the config section the key lives in
 * @param key the key within that section
 * @param defaultValue the value when the config does not give one
 * @param values every value the key accepts, in the order an error message lists them
 * @param meaning one line for a person (docs, {@code depthlab backends})
 */
public record BackendOption(
    String backend, String key, String defaultValue, List<String> values, String meaning) {
  public BackendOption {
    values = List.copyOf(values);
    if (!values.contains(defaultValue)) {
      throw new IllegalArgumentException(
          backend + "." + key + ": the default " + defaultValue + " is not among " + values);
    }
  }

  /** The config path, {@code <backend>.<key>}. */
  public String path() {
    return backend + "." + key;
  }
}
