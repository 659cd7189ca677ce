package dev.tollgate.sidecar.aggregate;

import java.util.EnumMap;
import java.util.Map;

/** Exact-match conditions on series dimensions; no condition matches everything. */
public final class Filter {
  public static final Filter ALL = new Filter(new EnumMap<>(Dimension.class));

  private final EnumMap<Dimension, String> conditions;

  private Filter(EnumMap<Dimension, String> conditions) {
    this.conditions = conditions;
  }

  /** A filter with {@code d == value} added (null or empty value: no condition). */
  public Filter and(Dimension d, String value) {
    if (value == null || value.isEmpty()) {
      return this;
    }
    EnumMap<Dimension, String> copy = new EnumMap<>(Dimension.class);
    copy.putAll(conditions);
    copy.put(d, value);
    return new Filter(copy);
  }

  /**
   * A filter with {@code d == value} added, where "" is a value too (series without that
   * dimension); for grouping, where every group needs its own condition.
   */
  public Filter andExactly(Dimension d, String value) {
    EnumMap<Dimension, String> copy = new EnumMap<>(Dimension.class);
    copy.putAll(conditions);
    copy.put(d, value == null ? "" : value);
    return new Filter(copy);
  }

  public boolean matches(SeriesKey key) {
    for (Map.Entry<Dimension, String> e : conditions.entrySet()) {
      if (!key.get(e.getKey()).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The value required for {@code d}, or null. */
  public String get(Dimension d) {
    return conditions.get(d);
  }

  @Override
  public String toString() {
    return conditions.toString();
  }
}
