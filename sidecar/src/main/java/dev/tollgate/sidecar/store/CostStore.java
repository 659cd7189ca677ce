package dev.tollgate.sidecar.store;

import dev.tollgate.sidecar.costs.CostKey;
import dev.tollgate.sidecar.costs.CostLedger;
import dev.tollgate.sidecar.costs.CostTotals;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The cost ledger's buckets in the sidecar's SQLite file (table {@code cost_rollup}). */
public final class CostStore {
  private static final String COLUMNS =
      "grain, bucket, service, provider, model, endpoint, dify_app, cost_usd, estimated_usd,"
          + " reported_usd, drift_over_usd, drift_under_usd, calls, unpriced_calls,"
          + " unpriced_no_price, unpriced_unknown_usage, unpriced_no_rate";

  private final RollupStore db;

  public CostStore(RollupStore db) {
    this.db = db;
  }

  /** Inserts or replaces the given buckets in one transaction. */
  public void write(Collection<CostLedger.Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    db.withConnection(
        c -> {
          c.setAutoCommit(false);
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO cost_rollup ("
                      + COLUMNS
                      + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (CostLedger.Row r : rows) {
              int i = 1;
              p.setString(i++, r.grain().label());
              p.setLong(i++, r.bucket());
              CostKey k = r.key();
              p.setString(i++, k.service());
              p.setString(i++, k.provider());
              p.setString(i++, k.model());
              p.setString(i++, k.endpoint());
              p.setString(i++, k.difyApp());
              CostTotals t = r.totals();
              p.setDouble(i++, t.cost());
              p.setDouble(i++, t.estimated());
              p.setDouble(i++, t.reported());
              p.setDouble(i++, t.driftOver());
              p.setDouble(i++, t.driftUnder());
              p.setLong(i++, t.calls());
              p.setLong(i++, t.unpriced());
              p.setLong(i++, t.noPrice());
              p.setLong(i++, t.unknownUsage());
              p.setLong(i, t.noRate());
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

  /** Every bucket at or after {@code from.get(grain)}, for each grain in the map. */
  public List<CostLedger.Row> load(Map<CostLedger.Grain, Long> from) throws SQLException {
    return db.withConnection(
        c -> {
          List<CostLedger.Row> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM cost_rollup WHERE grain = ? AND bucket >= ?")) {
            for (Map.Entry<CostLedger.Grain, Long> e : from.entrySet()) {
              p.setString(1, e.getKey().label());
              p.setLong(2, e.getValue());
              try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                  int i = 1;
                  CostLedger.Grain g = CostLedger.Grain.parse(rs.getString(i++));
                  long bucket = rs.getLong(i++);
                  CostKey k =
                      new CostKey(
                          rs.getString(i++),
                          rs.getString(i++),
                          rs.getString(i++),
                          rs.getString(i++),
                          rs.getString(i++));
                  CostTotals t =
                      new CostTotals(
                          rs.getDouble(i++),
                          rs.getDouble(i++),
                          rs.getDouble(i++),
                          rs.getDouble(i++),
                          rs.getDouble(i++),
                          rs.getLong(i++),
                          rs.getLong(i++),
                          rs.getLong(i++),
                          rs.getLong(i++),
                          rs.getLong(i));
                  out.add(new CostLedger.Row(g, bucket, k, t));
                }
              }
            }
          }
          return out;
        });
  }

  /** Deletes, per grain, buckets before the given one; returns how many rows went. */
  public int deleteBefore(Map<CostLedger.Grain, Long> oldestKept) throws SQLException {
    return db.withConnection(
        c -> {
          int n = 0;
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM cost_rollup WHERE grain = ? AND bucket < ?")) {
            for (Map.Entry<CostLedger.Grain, Long> e : oldestKept.entrySet()) {
              p.setString(1, e.getKey().label());
              p.setLong(2, e.getValue());
              n += p.executeUpdate();
            }
          }
          return n;
        });
  }
}
