package dev.depthlab.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The backend settings of a study config, carried without knowing what they mean: section (the
 * backend's name) to key to value. A section is present only when one of its values differs from
 * its default, and then with every key its backend declares, in declared order (so two configs that
 * run alike are equal, and {@code study.yaml} writes a section whole or not at all).
 */
public record BackendOptions(Map<String, Map<String, String>> sections) {
  /** Every backend on its defaults. */
  public static final BackendOptions NONE = new BackendOptions(Map.of());

  public BackendOptions {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    sections.forEach(
        (s, keys) -> copy.put(s, Collections.unmodifiableMap(new LinkedHashMap<>(keys))));
    sections = Collections.unmodifiableMap(copy);
  }

  /** The value set for {@code option}, or its default. */
  public String value(BackendOption option) {
    return Optional.ofNullable(sections.get(option.backend()))
        .map(keys -> keys.get(option.key()))
        .orElse(option.defaultValue());
  }
}
