package dev.tollgate.agent.core.config;

import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.detect.EndpointConfig;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.PolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Merges the agent's configuration sources the OpenTelemetry way: a system property beats an
 * environment variable, which beats the YAML file, which beats the default.
 *
 * <p>A bad file never stops the application: {@link #load} reports the problem through the
 * {@code problems} list (the agent prints it once on stderr) and falls back to the defaults for
 * whatever could not be read.
 */
public final class ConfigLoader {
  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;

  public ConfigLoader(Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  public static ConfigLoader fromProcess() {
    return new ConfigLoader(System::getProperty, System::getenv);
  }

  /** Parses {@code key=value,key2=value2} from the -javaagent argument string. */
  public static Map<String, String> parseAgentArgs(String args) {
    Map<String, String> out = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return out;
    }
    for (String part : args.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    return out;
  }

  public AgentConfig load(Map<String, String> agentArgs, List<String> problems) {
    AgentConfig d = AgentConfig.defaults();
    String file =
        first(
            systemProperties.apply("tollgate.config"),
            environment.apply("TOLLGATE_CONFIG"),
            agentArgs.get("config"));
    Map<String, Object> yaml = Map.of();
    String source = "defaults";
    if (file != null && !file.isBlank()) {
      try {
        yaml = readYaml(Path.of(file));
        source = file;
      } catch (IOException | RuntimeException e) {
        problems.add(
            "could not read config file " + file + " (" + oneLine(e) + "); using defaults");
      }
    }

    boolean enabled =
        bool(
            first(
                systemProperties.apply("tollgate.enabled"),
                environment.apply("TOLLGATE_ENABLED"),
                agentArgs.get("enabled"),
                str(yaml.get("enabled"))),
            true,
            "enabled",
            problems);
    String service =
        first(
            systemProperties.apply("otel.service.name"),
            environment.apply("OTEL_SERVICE_NAME"),
            serviceFromResourceAttributes(environment.apply("OTEL_RESOURCE_ATTRIBUTES")),
            str(yaml.get("service_name")),
            d.serviceName);
    Map<String, Object> exporter = map(yaml.get("exporter"), "exporter", problems);
    String endpoint =
        first(
            systemProperties.apply("tollgate.exporter.endpoint"),
            environment.apply("TOLLGATE_EXPORTER_ENDPOINT"),
            systemProperties.apply("otel.exporter.otlp.endpoint"),
            environment.apply("OTEL_EXPORTER_OTLP_ENDPOINT"),
            str(exporter.get("endpoint")),
            d.exporterEndpoint);
    boolean exportEnabled = !"none".equalsIgnoreCase(endpoint.trim());
    if (exportEnabled && !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
      problems.add("exporter endpoint '" + endpoint + "' is not an http(s) URL; using " + d.exporterEndpoint);
      endpoint = d.exporterEndpoint;
    }
    while (endpoint.endsWith("/")) {
      endpoint = endpoint.substring(0, endpoint.length() - 1);
    }
    Duration timeout =
        duration(
            first(systemProperties.apply("tollgate.exporter.timeout"), str(exporter.get("timeout"))),
            d.exportTimeout,
            "exporter.timeout",
            problems);
    Duration interval =
        duration(
            first(
                systemProperties.apply("tollgate.metrics.interval"),
                environment.apply("TOLLGATE_METRICS_INTERVAL"),
                str(exporter.get("metrics_interval"))),
            d.metricsInterval,
            "exporter.metrics_interval",
            problems);
    int queue =
        (int)
            number(
                first(systemProperties.apply("tollgate.exporter.queue_size"), str(exporter.get("queue_size"))),
                d.exportQueueSize,
                "exporter.queue_size",
                problems);
    boolean debug =
        bool(
            first(
                systemProperties.apply("tollgate.debug"),
                environment.apply("TOLLGATE_DEBUG"),
                agentArgs.get("debug"),
                str(yaml.get("debug"))),
            false,
            "debug",
            problems);
    String cacheDir =
        first(
            systemProperties.apply("tollgate.cache.dir"),
            environment.apply("TOLLGATE_CACHE_DIR"),
            str(yaml.get("cache_dir")),
            defaultCacheDir());
    if (cacheDir != null && (cacheDir.isBlank() || "off".equalsIgnoreCase(cacheDir.trim()))) {
      cacheDir = null;
    }
    Map<String, Object> openAi = map(yaml.get("openai"), "openai", problems);
    boolean includeUsage =
        bool(
            first(
                systemProperties.apply("tollgate.openai.include_usage"),
                environment.apply("TOLLGATE_OPENAI_INCLUDE_USAGE"),
                str(openAi.get("include_usage"))),
            d.openAiIncludeUsage,
            "openai.include_usage",
            problems);

    List<EndpointConfig> endpoints = new ArrayList<>();
    List<EndpointPolicy> policies = new ArrayList<>();
    Object list = yaml.get("endpoints");
    if (list != null && !(list instanceof List)) {
      problems.add("'endpoints' must be a list; ignored");
    } else if (list != null) {
      int i = 0;
      for (Object o : (List<?>) list) {
        i++;
        if (!(o instanceof Map)) {
          problems.add("endpoints[" + i + "] is not a mapping; skipped");
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) o;
        String name = str(e.get("name"));
        String url = str(e.get("url"));
        Provider provider = Provider.fromConfigKey(str(e.get("provider")));
        if (name == null || url == null || provider == null) {
          problems.add(
              "endpoints["
                  + i
                  + "] needs name, url and provider (one of openai, openai-compatible, azure-openai,"
                  + " anthropic, gemini, dify, deepseek, ollama); skipped");
          continue;
        }
        try {
          endpoints.add(new EndpointConfig(name, url, provider));
        } catch (RuntimeException ex) {
          problems.add("endpoints[" + i + "] (" + name + "): " + oneLine(ex) + "; skipped");
          continue;
        }
        Map<String, Object> settings = new LinkedHashMap<>(e);
        settings.remove("name");
        settings.remove("url");
        settings.remove("provider");
        if (!settings.isEmpty()) {
          try {
            policies.add(PolicyParser.parseEndpoint(name, settings));
          } catch (IllegalArgumentException ex) {
            problems.add(oneLine(ex) + "; the endpoint is observed but not governed");
          }
        }
      }
    }
    return new AgentConfig(
        enabled,
        service,
        endpoint,
        exportEnabled,
        timeout,
        interval,
        queue,
        debug,
        cacheDir,
        includeUsage,
        endpoints,
        policies,
        source);
  }

  /** {@code $XDG_CACHE_HOME/tollgate}, else {@code ~/.cache/tollgate}; null without a home. */
  private String defaultCacheDir() {
    String xdg = environment.apply("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "tollgate").toString();
    }
    String home = systemProperties.apply("user.home");
    return home == null || home.isBlank() || "?".equals(home)
        ? null
        : Path.of(home, ".cache", "tollgate").toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path path) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    Object root = YamlReader.read(bytes);
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map)) {
      throw new IOException("the top level must be a mapping");
    }
    return (Map<String, Object>) root;
  }

  private static String serviceFromResourceAttributes(String attrs) {
    if (attrs == null) {
      return null;
    }
    for (String kv : attrs.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).trim().equals("service.name")) {
        return kv.substring(eq + 1).trim();
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String key, List<String> problems) {
    if (o == null) {
      return Map.of();
    }
    if (o instanceof Map) {
      return (Map<String, Object>) o;
    }
    problems.add("'" + key + "' must be a mapping; ignored");
    return Map.of();
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static boolean bool(String v, boolean dflt, String key, List<String> problems) {
    if (v == null) {
      return dflt;
    }
    String s = v.toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("yes") || s.equals("on") || s.equals("1")) {
      return true;
    }
    if (s.equals("false") || s.equals("no") || s.equals("off") || s.equals("0")) {
      return false;
    }
    problems.add("'" + key + "' must be true or false, not '" + v + "'; using " + dflt);
    return dflt;
  }

  private static long number(String v, long dflt, String key, List<String> problems) {
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add("'" + key + "' must be a positive integer, not '" + v + "'; using " + dflt);
    return dflt;
  }

  /** Parses {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
  public static Duration parseDuration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      long mult;
      char unit = s.charAt(s.length() - 1);
      if (unit == 's') {
        mult = 1000;
      } else if (unit == 'm') {
        mult = 60_000;
      } else if (unit == 'h') {
        mult = 3_600_000;
      } else {
        return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
      }
      double n = Double.parseDouble(s.substring(0, s.length() - 1).trim());
      return Duration.ofMillis(Math.round(n * mult));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + v + "' is not a duration (e.g. 500ms, 10s, 2m)");
    }
  }

  private static Duration duration(String v, Duration dflt, String key, List<String> problems) {
    if (v == null) {
      return dflt;
    }
    try {
      Duration d = parseDuration(v);
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    problems.add("'" + key + "' must be a positive duration such as 10s, not '" + v + "'; using " + dflt.toMillis() + "ms");
    return dflt;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * Jackson's YAML support, in a class of its own so that a start without a config file never
   * loads it (verifying a method that builds a YAMLFactory loads Jackson's factory classes).
   */
  private static final class YamlReader {
    static Object read(byte[] bytes) throws IOException {
      return new com.fasterxml.jackson.databind.ObjectMapper(
              new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readValue(bytes, Object.class);
    }
  }
}
