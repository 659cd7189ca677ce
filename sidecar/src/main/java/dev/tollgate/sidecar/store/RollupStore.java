package dev.tollgate.sidecar.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.sidecar.aggregate.RollupSnapshot;
import dev.tollgate.sidecar.aggregate.SeriesKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The minute rollups in one SQLite file ({@code tollgate-sidecar.db} in the data directory).
 * Schema changes are SQL files under {@code db/migration/}, applied in order and recorded in
 * {@code schema_version}. One connection; callers are the flusher thread, start and shutdown.
 *
 * <p>The database runs in WAL mode with {@code synchronous=NORMAL}: a committed batch survives the
 * sidecar crashing; a power cut may lose the last few batches.
 */
public final class RollupStore implements AutoCloseable {
  public static final String FILE_NAME = "tollgate-sidecar.db";

  /** Migrations in order; the version of the n-th is n. */
  static final List<String> MIGRATIONS =
      List.of("V1__rollups.sql", "V2__costs.sql", "V3__alerts.sql");

  private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};
  private static final String COLUMNS =
      "minute, service, provider, model, endpoint, dify_app, operation, calls, errors, unmetered,"
          + " retries, rate_limited, rejected, input_tokens, output_tokens, cache_read_tokens,"
          + " cache_write_tokens, reasoning_tokens, errors_by_type, rejected_by, latency, ttft";

  private final Connection connection;
  private final ObjectMapper json = new ObjectMapper();

  private RollupStore(Connection connection) {
    this.connection = connection;
  }

  /** Opens (creating if needed) the database in {@code dataDir} and migrates it. */
  public static RollupStore open(Path dataDir) throws SQLException, IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=5000");
      }
      migrate(c);
      return new RollupStore(c);
    } catch (SQLException | IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  static void migrate(Connection c) throws SQLException, IOException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
              + " name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    }
    int current = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      if (rs.next()) {
        current = rs.getInt(1);
      }
    }
    if (current > MIGRATIONS.size()) {
      throw new SQLException(
          "database schema version "
              + current
              + " is newer than this sidecar knows ("
              + MIGRATIONS.size()
              + "); use a newer sidecar or another --data-dir");
    }
    for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
      String name = MIGRATIONS.get(v - 1);
      String sql;
      try (InputStream in = RollupStore.class.getResourceAsStream("/db/migration/" + name)) {
        if (in == null) {
          throw new IOException("missing migration " + name);
        }
        sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String statement : sql.split(";\\s*(\\r?\\n|$)")) {
          if (!stripComments(statement).isBlank()) {
            s.execute(statement);
          }
        }
        try (PreparedStatement p =
            c.prepareStatement("INSERT INTO schema_version (version, name) VALUES (?, ?)")) {
          p.setInt(1, v);
          p.setString(2, name);
          p.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static String stripComments(String sql) {
    return sql.replaceAll("--[^\\n]*", "");
  }

  /** The schema version now in the file. */
  public synchronized int schemaVersion() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** Inserts or replaces the given rollups in one transaction. */
  public synchronized void write(Collection<RollupSnapshot> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    connection.setAutoCommit(false);
    try (PreparedStatement p =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO rollup ("
                + COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      for (RollupSnapshot r : rows) {
        int i = 1;
        p.setLong(i++, r.minute());
        SeriesKey k = r.key();
        p.setString(i++, k.service());
        p.setString(i++, k.provider());
        p.setString(i++, k.model());
        p.setString(i++, k.endpoint());
        p.setString(i++, k.difyApp());
        p.setString(i++, k.operation());
        p.setLong(i++, r.calls());
        p.setLong(i++, r.errors());
        p.setLong(i++, r.unmetered());
        p.setLong(i++, r.retries());
        p.setLong(i++, r.rateLimited());
        p.setLong(i++, r.rejected());
        p.setLong(i++, r.inputTokens());
        p.setLong(i++, r.outputTokens());
        p.setLong(i++, r.cacheReadTokens());
        p.setLong(i++, r.cacheWriteTokens());
        p.setLong(i++, r.reasoningTokens());
        p.setString(i++, toJson(r.errorsByType()));
        p.setString(i++, toJson(r.rejectedBy()));
        p.setBytes(i++, r.latency());
        p.setBytes(i, r.ttft());
        p.addBatch();
      }
      p.executeBatch();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Rollups of minutes at or after {@code fromMinute}. */
  public synchronized List<RollupSnapshot> loadSince(long fromMinute) throws SQLException {
    List<RollupSnapshot> out = new ArrayList<>();
    try (PreparedStatement p =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM rollup WHERE minute >= ? ORDER BY minute")) {
      p.setLong(1, fromMinute);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          int i = 1;
          long minute = rs.getLong(i++);
          SeriesKey key =
              new SeriesKey(
                  rs.getString(i++),
                  rs.getString(i++),
                  rs.getString(i++),
                  rs.getString(i++),
                  rs.getString(i++),
                  rs.getString(i++));
          out.add(
              new RollupSnapshot(
                  minute,
                  key,
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  rs.getLong(i++),
                  fromJson(rs.getString(i++)),
                  fromJson(rs.getString(i++)),
                  rs.getBytes(i++),
                  rs.getBytes(i)));
        }
      }
    }
    return out;
  }

  /** Deletes rollups of minutes before {@code beforeMinute}; returns how many. */
  public synchronized int deleteBefore(long beforeMinute) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM rollup WHERE minute < ?")) {
      p.setLong(1, beforeMinute);
      return p.executeUpdate();
    }
  }

  /** Work on the shared connection; the cost and alert stores use the same file. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on the connection under this store's lock (one connection, one writer). */
  synchronized <T> T withConnection(SqlWork<T> work) throws SQLException {
    return work.run(connection);
  }

  /** Number of stored rollups (diagnostics, tests). */
  public synchronized long rowCount() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM rollup")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private String toJson(Map<String, Long> m) {
    try {
      return json.writeValueAsString(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Long> fromJson(String s) throws SQLException {
    try {
      return json.readValue(s, COUNTS);
    } catch (IOException e) {
      throw new SQLException("corrupt counts column: " + s, e);
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }
}
