package dev.tollgate.sidecar.config;

import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.costs.CostSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

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
 * @param pricesFile a LiteLLM-format price file over the bundled table; null for none
 * @param rulesFile the alert rules file; null for the bundled default rules
 * @param evalInterval how often alert rules are evaluated
 * @param timezone the zone of calendar days and months (budgets, month to date)
 * @param externalUrl how people reach this sidecar (alert links); null for http://bind:port
 * @param costs price overrides, endpoint prices, patterns, deployments, exchange rates
 * @param budgets daily and monthly spending limits
 * @param receivers where alert notifications go
 */
public record Config(
    String bind,
    int port,
    Path dataDir,
    Duration retention,
    int maxSeries,
    String token,
    long maxBodyBytes,
    Duration flushInterval,
    Path pricesFile,
    Path rulesFile,
    Duration evalInterval,
    ZoneId timezone,
    String externalUrl,
    CostSettings costs,
    List<Budget> budgets,
    List<Receiver> receivers) {

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 4318;
  public static final Path DEFAULT_DATA_DIR = Path.of("tollgate-data");
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  public static final int DEFAULT_MAX_SERIES = 2000;
  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_EVAL_INTERVAL = Duration.ofSeconds(15);

  public Config {
    budgets = List.copyOf(budgets);
    receivers = List.copyOf(receivers);
  }

  public static Config defaults() {
    return new Config(
        DEFAULT_BIND,
        DEFAULT_PORT,
        DEFAULT_DATA_DIR,
        DEFAULT_RETENTION,
        DEFAULT_MAX_SERIES,
        null,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_FLUSH_INTERVAL,
        null,
        null,
        DEFAULT_EVAL_INTERVAL,
        ZoneId.of("UTC"),
        null,
        CostSettings.NONE,
        List.of(),
        List.of());
  }

  /** A mutable copy, for the {@code with*} methods. */
  private Builder copy() {
    return new Builder(this);
  }

  public Config withPort(int p) {
    Builder b = copy();
    b.port = p;
    return b.build();
  }

  public Config withDataDir(Path d) {
    Builder b = copy();
    b.dataDir = d;
    return b.build();
  }

  public Config withToken(String t) {
    Builder b = copy();
    b.token = t;
    return b.build();
  }

  public Config withMaxSeries(int m) {
    Builder b = copy();
    b.maxSeries = m;
    return b.build();
  }

  public Config withMaxBodyBytes(long n) {
    Builder b = copy();
    b.maxBodyBytes = n;
    return b.build();
  }

  public Config withFlushInterval(Duration f) {
    Builder b = copy();
    b.flushInterval = f;
    return b.build();
  }

  public Config withRetention(Duration r) {
    Builder b = copy();
    b.retention = r;
    return b.build();
  }

  public Config withPricesFile(Path p) {
    Builder b = copy();
    b.pricesFile = p;
    return b.build();
  }

  public Config withRulesFile(Path p) {
    Builder b = copy();
    b.rulesFile = p;
    return b.build();
  }

  public Config withEvalInterval(Duration d) {
    Builder b = copy();
    b.evalInterval = d;
    return b.build();
  }

  public Config withTimezone(ZoneId z) {
    Builder b = copy();
    b.timezone = z;
    return b.build();
  }

  public Config withExternalUrl(String u) {
    Builder b = copy();
    b.externalUrl = u;
    return b.build();
  }

  public Config withCosts(CostSettings c) {
    Builder b = copy();
    b.costs = c;
    return b.build();
  }

  public Config withBudgets(List<Budget> l) {
    Builder b = copy();
    b.budgets = l;
    return b.build();
  }

  public Config withReceivers(List<Receiver> l) {
    Builder b = copy();
    b.receivers = l;
    return b.build();
  }

  /** The base URL of this sidecar for links in alerts. */
  public String baseUrl(int actualPort) {
    if (externalUrl != null) {
      return externalUrl;
    }
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    return "http://" + host + ":" + actualPort;
  }

  private static final class Builder {
    String bind;
    int port;
    Path dataDir;
    Duration retention;
    int maxSeries;
    String token;
    long maxBodyBytes;
    Duration flushInterval;
    Path pricesFile;
    Path rulesFile;
    Duration evalInterval;
    ZoneId timezone;
    String externalUrl;
    CostSettings costs;
    List<Budget> budgets;
    List<Receiver> receivers;

    Builder(Config c) {
      bind = c.bind;
      port = c.port;
      dataDir = c.dataDir;
      retention = c.retention;
      maxSeries = c.maxSeries;
      token = c.token;
      maxBodyBytes = c.maxBodyBytes;
      flushInterval = c.flushInterval;
      pricesFile = c.pricesFile;
      rulesFile = c.rulesFile;
      evalInterval = c.evalInterval;
      timezone = c.timezone;
      externalUrl = c.externalUrl;
      costs = c.costs;
      budgets = c.budgets;
      receivers = c.receivers;
    }

    Config build() {
      return new Config(
          bind,
          port,
          dataDir,
          retention,
          maxSeries,
          token,
          maxBodyBytes,
          flushInterval,
          pricesFile,
          rulesFile,
          evalInterval,
          timezone,
          externalUrl,
          costs,
          budgets,
          receivers);
    }
  }

  @Override
  public String toString() {
    // Never print the token, nor receiver URLs and headers (Slack URLs are credentials).
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
        + ", prices="
        + (pricesFile == null ? "bundled" : pricesFile)
        + ", rules="
        + (rulesFile == null ? "default" : rulesFile)
        + ", evalInterval="
        + evalInterval
        + ", timezone="
        + timezone
        + ", budgets="
        + budgets.size()
        + ", receivers="
        + receivers
        + "]";
  }
}
