package dev.tollgate.sidecar.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where alert states and history persist (SQLite in the sidecar, memory in tests). Called from the
 * evaluation thread only.
 */
public interface AlertStore {
  /**
   * A persisted alert instance.
   *
   * @param annotations as last rendered
   */
  record StoredAlert(
      String fingerprint,
      String rule,
      Map<String, String> labels,
      AlertState state,
      Map<String, String> annotations) {}

  /**
   * One line of history: an alert instance fired, resolved, or was notified again.
   *
   * @param event {@code firing}, {@code resolved} or {@code repeat}
   */
  record HistoryEntry(
      Instant time,
      String fingerprint,
      String rule,
      String severity,
      String event,
      double value,
      double threshold,
      Map<String, String> labels,
      Map<String, String> annotations) {}

  List<StoredAlert> loadStates() throws Exception;

  /** Upserts {@code changed} and deletes {@code removed} (fingerprints) in one transaction. */
  void saveStates(List<StoredAlert> changed, List<String> removed) throws Exception;

  void appendHistory(List<HistoryEntry> entries) throws Exception;

  /** The latest entries, newest first; {@code rule} null for all rules. */
  List<HistoryEntry> history(int limit, String rule) throws Exception;

  /** A store that keeps everything in memory (tests, and a sidecar without a data directory). */
  static AlertStore inMemory() {
    return new AlertStore() {
      private final Map<String, StoredAlert> states = new LinkedHashMap<>();
      private final List<HistoryEntry> history = new ArrayList<>();

      @Override
      public synchronized List<StoredAlert> loadStates() {
        return new ArrayList<>(states.values());
      }

      @Override
      public synchronized void saveStates(List<StoredAlert> changed, List<String> removed) {
        changed.forEach(s -> states.put(s.fingerprint(), s));
        removed.forEach(states::remove);
      }

      @Override
      public synchronized void appendHistory(List<HistoryEntry> entries) {
        history.addAll(entries);
      }

      @Override
      public synchronized List<HistoryEntry> history(int limit, String rule) {
        List<HistoryEntry> out = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0 && out.size() < limit; i--) {
          if (rule == null || history.get(i).rule().equals(rule)) {
            out.add(history.get(i));
          }
        }
        return out;
      }
    };
  }
}
