package dev.tollgate.sidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.sidecar.aggregate.LogHistogram;
import dev.tollgate.sidecar.aggregate.RollupSnapshot;
import dev.tollgate.sidecar.aggregate.SeriesKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollupStoreTest {
  @TempDir Path dir;

  private static RollupSnapshot row(long minute, String model, long calls) {
    LogHistogram h = new LogHistogram();
    h.record(1.5);
    return new RollupSnapshot(
        minute, new SeriesKey("svc", "openai", model, "main", "", "chat"), calls, 1, 0, 2, 1, 0,
        100, 10, 5, 0, 3, Map.of("429", 1L), Map.of(), h.toBytes(), new LogHistogram().toBytes());
  }

  @Test
  void migratesOnceAndRecordsTheVersion() throws Exception {
    try (RollupStore s = RollupStore.open(dir)) {
      assertThat(s.schemaVersion()).isEqualTo(RollupStore.MIGRATIONS.size());
    }
    try (RollupStore s = RollupStore.open(dir)) { // reopening applies nothing twice
      assertThat(s.schemaVersion()).isEqualTo(RollupStore.MIGRATIONS.size());
    }
  }

  @Test
  void upgradesADatabaseFromTheFirstVersion() throws Exception {
    RollupStore.open(dir).close();
    // Make it look like a file written by the first sidecar: rollups only.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RollupStore.FILE_NAME));
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE cost_rollup");
      st.execute("DROP TABLE alert_state");
      st.execute("DROP TABLE alert_history");
      st.execute("DELETE FROM schema_version WHERE version > 1");
    }
    try (RollupStore s = RollupStore.open(dir)) {
      assertThat(s.schemaVersion()).isEqualTo(3);
      assertThat(new CostStore(s).load(Map.of(dev.tollgate.sidecar.costs.CostLedger.Grain.HOUR, 0L))).isEmpty();
      assertThat(new SqliteAlertStore(s).loadStates()).isEmpty();
    }
  }

  @Test
  void refusesADatabaseFromTheFuture() throws Exception {
    RollupStore.open(dir).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RollupStore.FILE_NAME));
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO schema_version (version, name) VALUES (99, 'future')");
    }
    assertThatThrownBy(() -> RollupStore.open(dir)).hasMessageContaining("newer");
  }

  @Test
  void writesReplacesLoadsAndPrunes() throws Exception {
    try (RollupStore s = RollupStore.open(dir)) {
      s.write(List.of(row(100, "a", 1), row(100, "b", 2), row(200, "a", 3)));
      s.write(List.of(row(100, "a", 7))); // same series and minute: replaced
      assertThat(s.rowCount()).isEqualTo(3);
      List<RollupSnapshot> all = s.loadSince(0);
      assertThat(all).hasSize(3);
      RollupSnapshot a100 =
          all.stream().filter(r -> r.minute() == 100 && r.key().model().equals("a")).findFirst().orElseThrow();
      assertThat(a100.calls()).isEqualTo(7);
      assertThat(a100.errorsByType()).containsEntry("429", 1L);
      assertThat(LogHistogram.fromBytes(a100.latency()).count()).isEqualTo(1);
      assertThat(s.loadSince(150)).hasSize(1);
      assertThat(s.deleteBefore(150)).isEqualTo(2);
      assertThat(s.rowCount()).isEqualTo(1);
    }
  }
}
