package dev.tollgate.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards in dashboards/*.json, and their queries with Grafana's variables filled in. */
final class Dashboards {
  private Dashboards() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** Values for Grafana's built-in interval variables, as the query test uses them. */
  static final String RATE_INTERVAL = "1m";

  static final String RANGE = "1h";

  record Dashboard(Path file, JsonNode json) {
    String name() {
      return file.getFileName().toString();
    }

    /** Every panel, rows included, also panels nested in collapsed rows. */
    List<JsonNode> allPanels() {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode p : json.path("panels")) {
        out.add(p);
        for (JsonNode nested : p.path("panels")) {
          out.add(nested);
        }
      }
      return out;
    }

    /** Panels that query (everything but rows). */
    List<JsonNode> queryPanels() {
      return allPanels().stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
    }

    List<Target> targets() {
      List<Target> out = new ArrayList<>();
      for (JsonNode p : queryPanels()) {
        for (JsonNode t : p.path("targets")) {
          out.add(
              new Target(
                  name(),
                  p.path("title").asText(),
                  t.path("refId").asText(),
                  t.path("expr").asText(""),
                  t.path("instant").asBoolean(false) && !t.path("range").asBoolean(false)));
        }
      }
      return out;
    }

    List<JsonNode> variables() {
      List<JsonNode> out = new ArrayList<>();
      json.path("templating").path("list").forEach(out::add);
      return out;
    }

    /** The query of a {@code query} variable (string or the editor's object form). */
    static String variableQuery(JsonNode v) {
      JsonNode q = v.path("query");
      return q.isTextual() ? q.asText() : q.path("query").asText("");
    }
  }

  /** One panel target. {@code instant}: Grafana runs it as an instant query only. */
  record Target(String dashboard, String panel, String refId, String expr, boolean instant) {
    String where() {
      return dashboard + " / \"" + panel + "\" / " + refId;
    }
  }

  static List<Dashboard> load() {
    try (Stream<Path> files = Files.list(Repo.dashboards())) {
      List<Path> paths = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      List<Dashboard> out = new ArrayList<>();
      for (Path p : paths) {
        out.add(new Dashboard(p, JSON.readTree(p.toFile())));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)(?::\\w+)?]]|\\$(\\w+)");

  /**
   * The expression as Grafana would send it with every template variable at "All" (the regex
   * {@code .*}) and the interval variables at fixed values. An unknown variable is left as it is,
   * so Prometheus rejects the query and the test names it.
   */
  static String substitute(String expr) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String value =
          switch (name) {
            case "__rate_interval", "__interval" -> RATE_INTERVAL;
            case "__range" -> RANGE;
            case "__range_s" -> "3600";
            case "__range_ms" -> "3600000";
            case "__interval_ms" -> "60000";
            case "service", "provider", "model", "endpoint", "dify_app" -> ".*";
            default -> null;
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static final Pattern METRIC = Pattern.compile("\\b(tollgate_[a-z0-9_]+)");

  /** The tollgate_* metric names an expression reads. */
  static List<String> metrics(String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      if (!out.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
