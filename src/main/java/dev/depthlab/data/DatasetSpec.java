package dev.depthlab.data;

import java.util.Map;
import java.util.TreeMap;

/**
 * A data set by kind and its numeric parameters, e.g. {@code circle} with {@code radius: 0.5}.
 * Parameters left out take the kind's defaults (see {@link Datasets}). A set read from a file (kind
 * {@code csv}) has no numeric parameters and its {@link CsvSource} in {@code csv} (null otherwise).
 */
public record DatasetSpec(String kind, Map<String, Double> params, CsvSource csv) {
  public DatasetSpec {
    params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
    if ((csv != null) != CsvSource.KIND.equals(kind)) {
      throw new IllegalArgumentException("a csv source goes with kind csv only: " + kind);
    }
  }

  /** A generated set (every kind but csv). */
  public DatasetSpec(String kind, Map<String, Double> params) {
    this(kind, params, null);
  }

  /** A set read from a CSV file. */
  public static DatasetSpec of(CsvSource csv) {
    return new DatasetSpec(CsvSource.KIND, Map.of(), csv);
  }

  /** The network's input width for this set: 2 for the generated kinds, a CSV's feature count. */
  public int inputs() {
    return csv == null ? 2 : csv.features().size();
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
    if (csv != null) {
      return csv.name();
    }
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
