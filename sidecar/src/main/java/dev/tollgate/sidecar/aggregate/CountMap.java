package dev.tollgate.sidecar.aggregate;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** A tiny string-to-count map for a handful of keys (error types, limiters): linear search. */
final class CountMap {
  private String[] keys = new String[0];
  private long[] counts = new long[0];

  void add(String key, long n) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        counts[i] += n;
        return;
      }
    }
    keys = Arrays.copyOf(keys, keys.length + 1);
    counts = Arrays.copyOf(counts, counts.length + 1);
    keys[keys.length - 1] = key;
    counts[counts.length - 1] = n;
  }

  boolean isEmpty() {
    return keys.length == 0;
  }

  void addTo(Map<String, Long> target) {
    for (int i = 0; i < keys.length; i++) {
      target.merge(keys[i], counts[i], Long::sum);
    }
  }

  Map<String, Long> toMap() {
    Map<String, Long> m = new TreeMap<>();
    addTo(m);
    return m;
  }
}
