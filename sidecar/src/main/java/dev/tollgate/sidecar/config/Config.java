package dev.tollgate.sidecar.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The sidecar's settings, already validated. Build one with {@link ConfigLoader} (flags, env,
 * YAML) or, in tests, with {@link #defaults()} and the {@code with*} methods.
 *
 * @param bind address to listen on; loopback unless told otherwise
 * @param port TCP port; 0 picks a free one (tests)
 * @param dataDir directory holding the SQLite file
 * @param retention how long minute rollups are kept on disk
 * @param maxSeries series kept before folding into "other"
 * @param token bearer token required on ingest, API and /metrics; null for none
 * @param maxBodyBytes largest request body accepted, after gzip decompression too
 * @param flushInterval how often changed rollups are written to SQLite
 */
public record Config(
    String bind,
    int port,
    Path dataDir,
    Duration retention,
    int maxSeries,
    String token,
    long maxBodyBytes,
    Duration flushInterval) {

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 4318;
  public static final Path DEFAULT_DATA_DIR = Path.of("tollgate-data");
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  public static final int DEFAULT_MAX_SERIES = 2000;
  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);

  public static Config defaults() {
    return new Config(
        DEFAULT_BIND,
        DEFAULT_PORT,
        DEFAULT_DATA_DIR,
        DEFAULT_RETENTION,
        DEFAULT_MAX_SERIES,
        null,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_FLUSH_INTERVAL);
  }

  public Config withPort(int p) {
    return new Config(bind, p, dataDir, retention, maxSeries, token, maxBodyBytes, flushInterval);
  }

  public Config withDataDir(Path d) {
    return new Config(bind, port, d, retention, maxSeries, token, maxBodyBytes, flushInterval);
  }

  public Config withToken(String t) {
    return new Config(bind, port, dataDir, retention, maxSeries, t, maxBodyBytes, flushInterval);
  }

  public Config withMaxSeries(int m) {
    return new Config(bind, port, dataDir, retention, m, token, maxBodyBytes, flushInterval);
  }

  public Config withMaxBodyBytes(long b) {
    return new Config(bind, port, dataDir, retention, maxSeries, token, b, flushInterval);
  }

  public Config withFlushInterval(Duration f) {
    return new Config(bind, port, dataDir, retention, maxSeries, token, maxBodyBytes, f);
  }

  public Config withRetention(Duration r) {
    return new Config(bind, port, dataDir, r, maxSeries, token, maxBodyBytes, flushInterval);
  }

  @Override
  public String toString() {
    // Never print the token.
    return "Config[bind="
        + bind
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", retention="
        + retention
        + ", maxSeries="
        + maxSeries
        + ", token="
        + (token == null ? "none" : "set")
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", flushInterval="
        + flushInterval
        + "]";
  }
}
