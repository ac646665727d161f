package dev.depthlab.backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a backend can be used on this machine. When it cannot, {@code reason} says exactly why in
 * one line; {@code details} holds what is known (device name, memory, versions).
 */
public record Availability(boolean usable, String reason, Map<String, String> details) {
  /**
   * The detail {@code --backend auto} adds to the backend it chose when it passed over a preferred
   * one: which, and why (e.g. "cuda: no NVIDIA driver ..."); run.json records it.
   */
  public static final String PASSED_OVER = "passed over";

  public Availability {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static Availability usable(Map<String, String> details) {
    return new Availability(true, "", details);
  }

  public static Availability unusable(String reason) {
    return new Availability(false, reason, Map.of());
  }

  /** Unusable, with what was learned before the failing step (versions, device, paths). */
  public static Availability unusable(String reason, Map<String, String> details) {
    return new Availability(false, reason, details);
  }
}
