package dev.tollgate.sidecar.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.sidecar.alerts.AlertState;
import dev.tollgate.sidecar.alerts.AlertStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Alert states and history in the sidecar's SQLite file (tables {@code alert_state}, {@code
 * alert_history}).
 */
public final class SqliteAlertStore implements AlertStore {
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};

  private final RollupStore db;
  private final ObjectMapper json = new ObjectMapper();

  public SqliteAlertStore(RollupStore db) {
    this.db = db;
  }

  @Override
  public List<StoredAlert> loadStates() throws SQLException {
    return db.withConnection(
        c -> {
          List<StoredAlert> out = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT fingerprint, rule, labels, annotations, state, active_at,"
                          + " firing_since, resolved_at, last_notified, clear_since, value FROM"
                          + " alert_state");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              AlertState state =
                  state(
                      rs.getString(5),
                      instant(rs, 6),
                      instant(rs, 7),
                      instant(rs, 8),
                      instant(rs, 9),
                      instant(rs, 10),
                      number(rs, 11));
              if (state != null) {
                out.add(
                    new StoredAlert(
                        rs.getString(1),
                        rs.getString(2),
                        map(rs.getString(3)),
                        state,
                        map(rs.getString(4))));
              }
            }
          }
          return out;
        });
  }

  private static AlertState state(
      String name,
      Instant activeAt,
      Instant firingSince,
      Instant resolvedAt,
      Instant lastNotified,
      Instant clearSince,
      double value) {
    return switch (name) {
      case "pending" -> activeAt == null ? null : new AlertState.Pending(activeAt, value);
      case "firing" ->
          activeAt == null || firingSince == null || lastNotified == null
              ? null
              : new AlertState.Firing(activeAt, firingSince, value, lastNotified, clearSince);
      case "resolved" ->
          activeAt == null || firingSince == null || resolvedAt == null
              ? null
              : new AlertState.Resolved(activeAt, firingSince, resolvedAt, value);
      default -> null;
    };
  }

  @Override
  public void saveStates(List<StoredAlert> changed, List<String> removed) throws SQLException {
    db.withConnection(
        c -> {
          c.setAutoCommit(false);
          try {
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT OR REPLACE INTO alert_state (fingerprint, rule, labels, annotations,"
                        + " state, active_at, firing_since, resolved_at, last_notified,"
                        + " clear_since, value) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
              for (StoredAlert s : changed) {
                p.setString(1, s.fingerprint());
                p.setString(2, s.rule());
                p.setString(3, text(s.labels()));
                p.setString(4, text(s.annotations()));
                AlertState st = s.state();
                p.setString(5, st.label());
                Instant activeAt = null;
                Instant firingSince = null;
                Instant resolvedAt = null;
                Instant lastNotified = null;
                Instant clearSince = null;
                double value = Double.NaN;
                if (st instanceof AlertState.Pending x) {
                  activeAt = x.activeAt();
                  value = x.value();
                } else if (st instanceof AlertState.Firing x) {
                  activeAt = x.activeAt();
                  firingSince = x.firingSince();
                  lastNotified = x.lastNotified();
                  clearSince = x.clearSince();
                  value = x.value();
                } else if (st instanceof AlertState.Resolved x) {
                  activeAt = x.activeAt();
                  firingSince = x.firingSince();
                  resolvedAt = x.resolvedAt();
                  value = x.value();
                }
                setInstant(p, 6, activeAt);
                setInstant(p, 7, firingSince);
                setInstant(p, 8, resolvedAt);
                setInstant(p, 9, lastNotified);
                setInstant(p, 10, clearSince);
                setNumber(p, 11, value);
                p.addBatch();
              }
              p.executeBatch();
            }
            try (PreparedStatement p =
                c.prepareStatement("DELETE FROM alert_state WHERE fingerprint = ?")) {
              for (String fp : removed) {
                p.setString(1, fp);
                p.addBatch();
              }
              p.executeBatch();
            }
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          return null;
        });
  }

  @Override
  public void appendHistory(List<HistoryEntry> entries) throws SQLException {
    db.withConnection(
        c -> {
          c.setAutoCommit(false);
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO alert_history (time, fingerprint, rule, severity, event, value,"
                      + " threshold, labels, annotations) VALUES (?,?,?,?,?,?,?,?,?)")) {
            for (HistoryEntry h : entries) {
              p.setLong(1, h.time().toEpochMilli());
              p.setString(2, h.fingerprint());
              p.setString(3, h.rule());
              p.setString(4, h.severity());
              p.setString(5, h.event());
              setNumber(p, 6, h.value());
              setNumber(p, 7, h.threshold());
              p.setString(8, text(h.labels()));
              p.setString(9, text(h.annotations()));
              p.addBatch();
            }
            p.executeBatch();
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          return null;
        });
  }

  @Override
  public List<HistoryEntry> history(int limit, String rule) throws SQLException {
    return db.withConnection(
        c -> {
          List<HistoryEntry> out = new ArrayList<>();
          String sql =
              "SELECT time, fingerprint, rule, severity, event, value, threshold, labels,"
                  + " annotations FROM alert_history"
                  + (rule == null ? "" : " WHERE rule = ?")
                  + " ORDER BY time DESC, id DESC LIMIT ?";
          try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            if (rule != null) {
              p.setString(i++, rule);
            }
            p.setInt(i, limit);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new HistoryEntry(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        number(rs, 6),
                        number(rs, 7),
                        map(rs.getString(8)),
                        map(rs.getString(9))));
              }
            }
          }
          return out;
        });
  }

  /** Deletes history older than {@code before} and beyond the newest {@code keep} rows. */
  public int pruneHistory(Instant before, int keep) throws SQLException {
    return db.withConnection(
        c -> {
          int n;
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM alert_history WHERE time < ?")) {
            p.setLong(1, before.toEpochMilli());
            n = p.executeUpdate();
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "DELETE FROM alert_history WHERE id <= (SELECT id FROM alert_history ORDER BY id"
                      + " DESC LIMIT 1 OFFSET ?)")) {
            p.setInt(1, keep);
            n += p.executeUpdate();
          }
          return n;
        });
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static double number(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? Double.NaN : v;
  }

  private static void setInstant(PreparedStatement p, int i, Instant t) throws SQLException {
    if (t == null) {
      p.setNull(i, Types.INTEGER);
    } else {
      p.setLong(i, t.toEpochMilli());
    }
  }

  private static void setNumber(PreparedStatement p, int i, double v) throws SQLException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      p.setNull(i, Types.REAL);
    } else {
      p.setDouble(i, v);
    }
  }

  private String text(Map<String, String> m) {
    try {
      return json.writeValueAsString(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> map(String s) throws SQLException {
    try {
      return json.readValue(s, STRINGS);
    } catch (IOException e) {
      throw new SQLException("corrupt JSON column: " + s, e);
    }
  }
}
