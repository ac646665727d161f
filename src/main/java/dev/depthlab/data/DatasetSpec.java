package dev.depthlab.data;

import java.util.Map;
import java.util.TreeMap;

/**
 * A data set by kind and its numeric parameters, e.g. {@code circle} with {@code radius: 0.5}.
 * Parameters left out take the kind's defaults (see {@link Datasets}).
 */
public record DatasetSpec(String kind, Map<String, Double> params) {
  public DatasetSpec {
    params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
  }

  public static DatasetSpec of(String kind) {
    return new DatasetSpec(kind, Map.of());
  }

  /** The parameter's value, or {@code fallback} when it is not given. */
  public double param(String key, double fallback) {
    Double v = params.get(key);
    return v == null ? fallback : v;
  }

  /** The name used for folders and tables: the kind alone, or the kind with its parameters. */
  public String label() {
    if (params.isEmpty()) {
      return kind;
    }
    StringBuilder sb = new StringBuilder(kind);
    params.forEach((k, v) -> sb.append('-').append(k).append('-').append(trim(v)));
    return sb.toString();
  }

  private static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
