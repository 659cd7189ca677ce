package dev.tollgate.sidecar.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.sidecar.costs.CostSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configuration from command-line flags, environment variables and a YAML file, in that
 * order of precedence (flags win), over the defaults. Every key has the same name everywhere:
 * {@code --max-series}, {@code max-series:} in YAML, {@code TOLLGATE_SIDECAR_MAX_SERIES}.
 */
public final class ConfigLoader {
  /** One setting: its key, a placeholder for the help text, and what it does. */
  record Key(String name, String arg, String help) {
    String env() {
      return "TOLLGATE_SIDECAR_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  static final List<Key> KEYS =
      List.of(
          new Key("port", "PORT", "TCP port to listen on (default 4318, the OTLP/HTTP port)"),
          new Key("bind", "ADDR", "address to listen on (default 127.0.0.1; 0.0.0.0 for all)"),
          new Key("data-dir", "DIR", "directory for the SQLite file (default ./tollgate-data)"),
          new Key("retention", "DURATION", "how long minute rollups are kept (default 30d)"),
          new Key("max-series", "N", "series kept before folding into 'other' (default 2000)"),
          new Key("token", "TOKEN", "bearer token required on ingest, API and /metrics"),
          new Key("token-file", "FILE", "read the token from this file instead"),
          new Key(
              "max-body-bytes", "SIZE", "largest request body, also after gunzip (default 8MB)"),
          new Key("flush-interval", "DURATION", "how often rollups go to SQLite (default 5s)"),
          new Key("prices", "FILE", "LiteLLM-format price file over the bundled table"),
          new Key("rules", "FILE", "alert rules file (default: the bundled default rules)"),
          new Key("eval-interval", "DURATION", "how often alert rules are evaluated (default 15s)"),
          new Key("timezone", "ZONE", "zone of calendar days and months for costs (default UTC)"),
          new Key("external-url", "URL", "this sidecar's URL for links in alerts"));

  /** YAML-only sections (structured; no flag or environment variable). */
  static final List<String> SECTIONS = List.of("costs", "budgets", "receivers");

  /** What a YAML file gave: scalar keys, and the structured sections. */
  private record FileSettings(Map<String, String> values, Map<String, JsonNode> sections) {}

  /** The result of parsing: either help was asked for, or a configuration. */
  public record Parsed(boolean help, Config config) {}

  private ConfigLoader() {}

  public static Parsed load(String[] args, Map<String, String> env) throws ConfigException {
    Map<String, String> flags = new LinkedHashMap<>();
    String configFile = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return new Parsed(true, null);
      }
      if (!a.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new ConfigException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      if (name.equals("config")) {
        configFile = value;
      } else if (key(name) == null) {
        throw new ConfigException("unknown option --" + name);
      } else {
        flags.put(name, value);
      }
    }
    if (configFile == null) {
      configFile = env.get("TOLLGATE_SIDECAR_CONFIG");
    }
    FileSettings fileSettings =
        configFile == null ? new FileSettings(Map.of(), Map.of()) : readYaml(configFile);
    Map<String, String> file = fileSettings.values();

    Map<String, String> merged = new LinkedHashMap<>();
    for (Key k : KEYS) {
      String v = flags.get(k.name());
      if (v == null) {
        v = env.get(k.env());
      }
      if (v == null) {
        v = file.get(k.name());
      }
      if (v != null) {
        merged.put(k.name(), v);
      }
    }
    Config config = build(merged);
    Map<String, JsonNode> sections = fileSettings.sections();
    CostSettings costs = ConfigSections.costs(sections.get("costs"));
    config =
        config
            .withCosts(costs)
            .withBudgets(ConfigSections.budgets(sections.get("budgets"), costs.currencies()))
            .withReceivers(ConfigSections.receivers(sections.get("receivers")));
    return new Parsed(false, config);
  }

  private static Key key(String name) {
    for (Key k : KEYS) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  private static FileSettings readYaml(String file) throws ConfigException {
    JsonNode root;
    try {
      byte[] bytes = Files.readAllBytes(Path.of(file));
      root = new ObjectMapper(new YAMLFactory()).readTree(bytes);
    } catch (InvalidPathException | IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, JsonNode> sections = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new FileSettings(out, sections); // an empty file
    }
    if (!root.isObject()) {
      throw new ConfigException(file + ": expected a mapping of keys to values");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (SECTIONS.contains(e.getKey())) {
        sections.put(e.getKey(), e.getValue());
        continue;
      }
      if (key(e.getKey()) == null) {
        throw new ConfigException(file + ": unknown key '" + e.getKey() + "'");
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new ConfigException(file + ": '" + e.getKey() + "' must be a single value");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return new FileSettings(out, sections);
  }

  private static Config build(Map<String, String> v) throws ConfigException {
    Config d = Config.defaults();
    String bind = v.getOrDefault("bind", d.bind()).trim();
    if (bind.isEmpty()) {
      throw new ConfigException("bind: must not be empty");
    }
    int port = (int) integer(v, "port", d.port(), 0, 65535);
    Path dataDir;
    try {
      dataDir = v.containsKey("data-dir") ? Path.of(v.get("data-dir")) : d.dataDir();
    } catch (InvalidPathException e) {
      throw new ConfigException("data-dir: " + e.getMessage());
    }
    Duration retention = duration(v, "retention", d.retention());
    if (retention.compareTo(Duration.ofHours(1)) < 0) {
      throw new ConfigException("retention: must be at least 1h");
    }
    int maxSeries = (int) integer(v, "max-series", d.maxSeries(), 1, 1_000_000);
    String token = v.get("token");
    if (v.containsKey("token-file")) {
      if (token != null) {
        throw new ConfigException("token and token-file: give one, not both");
      }
      try {
        token = Files.readString(Path.of(v.get("token-file")), StandardCharsets.UTF_8).trim();
      } catch (InvalidPathException | IOException e) {
        throw new ConfigException("token-file: cannot read " + v.get("token-file"));
      }
    }
    if (token != null) {
      token = token.trim();
      if (token.isEmpty()) {
        throw new ConfigException("token: must not be empty");
      }
    }
    long maxBody = size(v, "max-body-bytes", d.maxBodyBytes());
    if (maxBody < 1024 || maxBody > 1L << 30) {
      throw new ConfigException("max-body-bytes: must be between 1KB and 1GB");
    }
    Duration flush = duration(v, "flush-interval", d.flushInterval());
    if (flush.toMillis() < 100 || flush.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException("flush-interval: must be between 100ms and 10m");
    }
    Path prices = readableFile(v, "prices");
    Path rules = readableFile(v, "rules");
    Duration eval = duration(v, "eval-interval", d.evalInterval());
    if (eval.toMillis() < 100 || eval.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException("eval-interval: must be between 100ms and 10m");
    }
    ZoneId zone = d.timezone();
    if (v.containsKey("timezone")) {
      try {
        zone = ZoneId.of(v.get("timezone").trim());
      } catch (DateTimeException e) {
        throw new ConfigException(
            "timezone: '" + v.get("timezone") + "' is not a time zone (e.g. UTC, Asia/Shanghai)");
      }
    }
    String externalUrl = v.get("external-url");
    if (externalUrl != null) {
      externalUrl = externalUrl.trim();
      if (!externalUrl.startsWith("http://") && !externalUrl.startsWith("https://")) {
        throw new ConfigException("external-url: must start with http:// or https://");
      }
    }
    return new Config(
        bind,
        port,
        dataDir,
        retention,
        maxSeries,
        token,
        maxBody,
        flush,
        prices,
        rules,
        eval,
        zone,
        externalUrl,
        d.costs(),
        d.budgets(),
        d.receivers());
  }

  private static Path readableFile(Map<String, String> v, String key) throws ConfigException {
    String s = v.get(key);
    if (s == null) {
      return null;
    }
    try {
      Path p = Path.of(s.trim());
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        throw new ConfigException(key + ": cannot read " + s);
      }
      return p;
    } catch (InvalidPathException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }

  private static long integer(Map<String, String> v, String key, long def, long min, long max)
      throws ConfigException {
    String s = v.get(key);
    if (s == null) {
      return def;
    }
    long n;
    try {
      n = Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + s + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new ConfigException(key + ": must be between " + min + " and " + max);
    }
    return n;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

  /** Parses {@code 500ms}, {@code 5s}, {@code 15m}, {@code 6h}, {@code 30d} or ISO-8601. */
  public static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
  }

  private static Duration duration(Map<String, String> v, String key, Duration def)
      throws ConfigException {
    String s = v.get(key);
    if (s == null) {
      return def;
    }
    try {
      Duration d = parseDuration(s);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigException(key + ": must be positive");
      }
      return d;
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw new ConfigException(key + ": '" + s + "' is not a duration (e.g. 5s, 15m, 30d)");
    }
  }

  private static long size(Map<String, String> v, String key, long def) throws ConfigException {
    String s = v.get(key);
    if (s == null) {
      return def;
    }
    Matcher m = SIZE.matcher(s.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || m.group(1).length() > 12) {
      throw new ConfigException(key + ": '" + s + "' is not a size (e.g. 8MB, 512KB, 1048576)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    return switch (unit) {
      case "kb", "k" -> n * 1024;
      case "mb", "m" -> n * 1024 * 1024;
      case "gb", "g" -> n * 1024 * 1024 * 1024;
      default -> n;
    };
  }

  /** The {@code --help} text. */
  public static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar tollgate-sidecar.jar [options]\n\n");
    sb.append("Receives OpenTelemetry (OTLP/HTTP) from Tollgate agents and GenAI-instrumented\n");
    sb.append("services, aggregates their LLM calls, and serves /api/v1/* and /metrics.\n\n");
    sb.append("Options (each also a YAML key and an environment variable):\n");
    sb.append(String.format("  %-28s %s%n", "--config FILE", "YAML file with any of the keys below"));
    sb.append(String.format("  %-28s %s%n", "", "(env TOLLGATE_SIDECAR_CONFIG)"));
    for (Key k : KEYS) {
      sb.append(String.format("  %-28s %s%n", "--" + k.name() + " " + k.arg(), k.help()));
      sb.append(String.format("  %-28s %s%n", "", "(env " + k.env() + ")"));
    }
    sb.append(String.format("  %-28s %s%n", "--help", "print this and exit"));
    sb.append("\nYAML-only sections: costs (price overrides, endpoint prices, patterns,\n");
    sb.append("deployments, currencies), budgets, receivers; see docs/costs.md, docs/alerts.md.\n");
    sb.append("\nPrecedence: flags, then environment, then the YAML file, then defaults.\n");
    sb.append("Exit status: 2 for a configuration error, 1 when the sidecar could not start\n");
    sb.append("(port in use, data directory unusable). SIGTERM or SIGINT stops it cleanly,\n");
    sb.append("writing everything to the data directory first.\n");
    return sb.toString();
  }
}
