package dev.tollgate.sidecar.aggregate;

import java.util.Locale;

/** A dimension of {@link SeriesKey}, by which queries filter and group. */
public enum Dimension {
  SERVICE("service"),
  PROVIDER("provider"),
  MODEL("model"),
  ENDPOINT("endpoint"),
  DIFY_APP("dify_app"),
  OPERATION("operation");

  private final String label;

  Dimension(String label) {
    this.label = label;
  }

  /** The name used in the API, in Prometheus labels and in SQL columns. */
  public String label() {
    return label;
  }

  /** Parses an API name; null when unknown. */
  public static Dimension parse(String s) {
    if (s == null) {
      return null;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    for (Dimension d : values()) {
      if (d.label.equals(lower)) {
        return d;
      }
    }
    return null;
  }
}
