package dev.tollgate.sidecar.alerts;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rules file:
 *
 * <pre>
 * rules:
 *   - name: HighP95Latency
 *     metric: p95_latency_ms
 *     scope: {filters: {provider: openai}, group_by: [service, endpoint]}
 *     window: 5m
 *     comparison: "&gt;"
 *     threshold: 3000
 *     for: 2m
 *     severity: warning
 *     annotations: {summary: "p95 {{value}} ms on {{labels.endpoint}}"}
 * </pre>
 *
 * Each rule is read and checked on its own: a rule with a bad value is reported with the line of
 * the offending key, and the others load. When the YAML itself is broken (a syntax error), the file
 * is split at its list items and each item is parsed alone, so one broken rule still leaves the
 * rest loadable; the error carries the line the YAML parser stopped at.
 */
public final class RuleParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern RULES_KEY = Pattern.compile("^rules\\s*:\\s*(#.*)?$");
  private static final Pattern ITEM = Pattern.compile("^(\\s*)-(\\s|$)");
  private static final Pattern NAME = Pattern.compile("name\\s*:\\s*[\"']?([^\"'#\\s]+)");
  private static final Set<String> KEYS =
      Set.of(
          "name",
          "metric",
          "scope",
          "window",
          "comparison",
          "threshold",
          "for",
          "keep_firing_for",
          "resolve_margin",
          "repeat_interval",
          "severity",
          "labels",
          "annotations",
          "min_calls",
          "receivers");

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REPEAT = Duration.ofHours(4);
  public static final Duration MAX_CALL_WINDOW = Duration.ofHours(24);
  public static final Duration MAX_COST_WINDOW = Duration.ofDays(31);

  private final Set<String> receivers;

  /**
   * @param receivers the configured receiver names, which a rule's {@code receivers} must be
   */
  public RuleParser(Set<String> receivers) {
    this.receivers = Set.copyOf(receivers);
  }

  private static final class RuleError extends Exception {
    final int line;
    final int column;

    RuleError(int line, int column, String message) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  private record Field(JsonNode node, int line, int column) {}

  private final class Run {
    final List<Rule> rules = new ArrayList<>();
    final List<RuleSet.LoadError> errors = new ArrayList<>();

    void error(int line, int column, String rule, String message) {
      errors.add(new RuleSet.LoadError(line, column, rule, message));
    }
  }

  public RuleSet parse(String text, String source) {
    Run run = new Run();
    try {
      parseDocument(text, 0, run);
    } catch (JsonProcessingException e) {
      run = new Run();
      parseChunks(text, e, run);
    } catch (IOException e) {
      run.error(0, 0, null, "cannot read: " + e.getMessage());
    }
    // Names must be unique: they are the alertname.
    Set<String> seen = new HashSet<>();
    List<Rule> unique = new ArrayList<>();
    for (Rule r : run.rules) {
      if (seen.add(r.name())) {
        unique.add(r);
      } else {
        run.error(r.line(), 0, r.name(), "duplicate rule name '" + r.name() + "'");
      }
    }
    run.errors.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line()) : 0);
    return new RuleSet(source, unique, run.errors);
  }

  private void parseDocument(String text, int lineOffset, Run run) throws IOException {
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return; // an empty file: no rules
      }
      if (t == JsonToken.START_ARRAY) {
        parseList(p, lineOffset, run);
        return;
      }
      if (t != JsonToken.START_OBJECT) {
        run.error(line(p, lineOffset), 0, null, "expected a mapping with a 'rules:' list");
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int line = line(p, lineOffset);
        JsonToken v = p.nextToken();
        if (key.equals("rules") && v == JsonToken.START_ARRAY) {
          parseList(p, lineOffset, run);
        } else {
          run.error(
              line,
              0,
              null,
              key.equals("rules")
                  ? "'rules' must be a list"
                  : "unknown top-level key '" + key + "'");
          p.skipChildren();
        }
      }
    }
  }

  private void parseList(JsonParser p, int lineOffset, Run run) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      int line = line(p, lineOffset);
      if (t != JsonToken.START_OBJECT) {
        run.error(line, 0, null, "a rule must be a mapping of keys to values");
        p.skipChildren();
        continue;
      }
      Map<String, Field> fields = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonLocation loc = p.currentTokenLocation();
        p.nextToken();
        JsonNode node = YAML.readTree(p);
        fields.put(key, new Field(node, loc.getLineNr() + lineOffset, loc.getColumnNr()));
      }
      String name = fields.containsKey("name") ? fields.get("name").node().asText(null) : null;
      try {
        run.rules.add(build(fields, line));
      } catch (RuleError e) {
        run.error(e.line, e.column, name, e.getMessage());
      }
    }
  }

  private static int line(JsonParser p, int offset) {
    return p.currentTokenLocation().getLineNr() + offset;
  }

  /** After a YAML syntax error: parse each list item alone. */
  private void parseChunks(String text, JsonProcessingException original, Run run) {
    String[] lines = text.split("\n", -1);
    int from = 0;
    for (int i = 0; i < lines.length; i++) {
      if (RULES_KEY.matcher(lines[i]).matches()) {
        from = i + 1;
        break;
      }
    }
    int indent = -1;
    List<Integer> starts = new ArrayList<>();
    int end = lines.length;
    for (int i = from; i < lines.length; i++) {
      String l = lines[i];
      if (l.isBlank() || l.trim().startsWith("#")) {
        continue;
      }
      Matcher m = ITEM.matcher(l);
      int lead = l.length() - l.stripLeading().length();
      if (indent < 0) {
        if (!m.find()) {
          break;
        }
        indent = m.group(1).length();
      }
      if (lead < indent || lead == indent && !l.stripLeading().startsWith("-")) {
        end = i; // another top-level key: the list is over
        break;
      }
      if (lead == indent) {
        starts.add(i);
      }
    }
    int errorLine = original.getLocation() == null ? 0 : original.getLocation().getLineNr();
    if (starts.isEmpty() || errorLine > 0 && errorLine <= starts.get(0)) {
      run.error(errorLine, 0, null, "YAML syntax error: " + original.getOriginalMessage());
    }
    for (int k = 0; k < starts.size(); k++) {
      int s = starts.get(k);
      int e = k + 1 < starts.size() ? starts.get(k + 1) : end;
      String chunk = String.join("\n", java.util.Arrays.copyOfRange(lines, s, e));
      try {
        parseDocument(chunk, s, run);
      } catch (JsonProcessingException x) {
        int at = x.getLocation() == null ? s + 1 : x.getLocation().getLineNr() + s;
        Matcher n = NAME.matcher(chunk);
        run.error(
            at, 0, n.find() ? n.group(1) : null, "YAML syntax error: " + x.getOriginalMessage());
      } catch (IOException x) {
        run.error(s + 1, 0, null, x.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One rule.

  private Rule build(Map<String, Field> f, int line) throws RuleError {
    for (Map.Entry<String, Field> e : f.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new RuleError(
            e.getValue().line(), e.getValue().column(), "unknown key '" + e.getKey() + "'");
      }
    }
    String name = text(f, "name", line, null);
    if (name == null || name.isBlank() || name.length() > 128) {
      throw new RuleError(line, 0, "'name' is required (at most 128 characters)");
    }
    String metricName = text(f, "metric", line, null);
    if (metricName == null) {
      throw new RuleError(line, 0, "'metric' is required (" + AlertMetric.names() + ")");
    }
    AlertMetric metric = AlertMetric.parse(metricName.trim().toLowerCase(Locale.ROOT));
    if (metric == null) {
      throw new RuleError(
          f.get("metric").line(),
          f.get("metric").column(),
          "unknown metric '" + metricName + "' (" + AlertMetric.names() + ")");
    }
    List<String> allowed = metric.kind().labels();
    Map<String, String> filters = new LinkedHashMap<>();
    List<String> groupBy = new ArrayList<>();
    Field scope = f.get("scope");
    if (scope != null && !scope.node().isNull()) {
      if (!scope.node().isObject()) {
        throw new RuleError(
            scope.line(), scope.column(), "'scope' must be a mapping with filters and group_by");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = scope.node().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        switch (e.getKey()) {
          case "filters" -> {
            if (!e.getValue().isObject()) {
              throw new RuleError(
                  scope.line(),
                  scope.column(),
                  "'scope.filters' must be a mapping of label to value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> ft = e.getValue().fields(); ft.hasNext(); ) {
              Map.Entry<String, JsonNode> fe = ft.next();
              if (!allowed.contains(fe.getKey())) {
                throw new RuleError(
                    scope.line(),
                    scope.column(),
                    "scope.filters: metric "
                        + metric.label()
                        + " cannot be filtered by '"
                        + fe.getKey()
                        + "' ("
                        + String.join(", ", allowed)
                        + ")");
              }
              if (!fe.getValue().isValueNode() || fe.getValue().isNull()) {
                throw new RuleError(
                    scope.line(),
                    scope.column(),
                    "scope.filters." + fe.getKey() + " must be a single value");
              }
              filters.put(fe.getKey(), fe.getValue().asText());
            }
          }
          case "group_by" -> {
            JsonNode g = e.getValue();
            List<JsonNode> items = new ArrayList<>();
            if (g.isArray()) {
              g.forEach(items::add);
            } else if (g.isTextual()) {
              items.add(g);
            } else {
              throw new RuleError(
                  scope.line(), scope.column(), "'scope.group_by' must be a list of labels");
            }
            for (JsonNode item : items) {
              String label = item.asText();
              if (!allowed.contains(label)) {
                throw new RuleError(
                    scope.line(),
                    scope.column(),
                    "scope.group_by: metric "
                        + metric.label()
                        + " cannot be grouped by '"
                        + label
                        + "' ("
                        + String.join(", ", allowed)
                        + ")");
              }
              if (!groupBy.contains(label)) {
                groupBy.add(label);
              }
            }
          }
          default ->
              throw new RuleError(
                  scope.line(),
                  scope.column(),
                  "unknown key 'scope." + e.getKey() + "' (filters, group_by)");
        }
      }
    }
    Duration window = duration(f, "window", DEFAULT_WINDOW);
    if (metric.kind() == AlertMetric.Kind.CALL || metric.kind() == AlertMetric.Kind.COST) {
      Duration max = metric.kind() == AlertMetric.Kind.CALL ? MAX_CALL_WINDOW : MAX_COST_WINDOW;
      if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(max) > 0) {
        Field w = f.get("window");
        throw new RuleError(
            w == null ? line : w.line(),
            w == null ? 0 : w.column(),
            "'window' must be between 1m and " + Rules.format(max) + " for " + metric.label());
      }
    }
    Comparison comparison = Comparison.GT;
    Field c = f.get("comparison");
    if (c != null) {
      comparison = c.node().isTextual() ? Comparison.parse(c.node().asText()) : null;
      if (comparison == null) {
        throw new RuleError(
            c.line(),
            c.column(),
            "'comparison' must be one of >, >=, <, <= (quote it in YAML: comparison: \">\"), not '"
                + c.node().asText()
                + "'");
      }
    }
    Field th = f.get("threshold");
    if (th == null) {
      throw new RuleError(line, 0, "'threshold' is required");
    }
    double threshold = threshold(th, metric);
    Duration forDuration = duration(f, "for", Duration.ZERO);
    Duration keep = duration(f, "keep_firing_for", Duration.ZERO);
    Duration repeat = duration(f, "repeat_interval", DEFAULT_REPEAT);
    Rule.Margin margin = Rule.Margin.DEFAULT;
    Field m = f.get("resolve_margin");
    if (m != null) {
      margin = margin(m);
    }
    String severity = text(f, "severity", line, "warning");
    Map<String, String> labels = stringMap(f, "labels");
    if (labels.containsKey("alertname")) {
      throw new RuleError(
          f.get("labels").line(), 0, "labels: 'alertname' is the rule's name and cannot be set");
    }
    for (String g : groupBy) {
      if (labels.containsKey(g)) {
        throw new RuleError(
            f.get("labels").line(), 0, "labels: '" + g + "' is also a group_by label");
      }
    }
    Map<String, String> annotations = stringMap(f, "annotations");
    long minCalls = 0;
    Field mc = f.get("min_calls");
    if (mc != null) {
      if (!mc.node().canConvertToLong()
          || !mc.node().isIntegralNumber()
          || mc.node().asLong() < 0) {
        throw new RuleError(mc.line(), mc.column(), "'min_calls' must be a whole number >= 0");
      }
      minCalls = mc.node().asLong();
    }
    List<String> to = new ArrayList<>();
    Field rf = f.get("receivers");
    if (rf != null) {
      JsonNode n = rf.node();
      if (n.isTextual()) {
        to.add(n.asText());
      } else if (n.isArray()) {
        n.forEach(x -> to.add(x.asText()));
      } else {
        throw new RuleError(rf.line(), rf.column(), "'receivers' must be a list of receiver names");
      }
      for (String r : to) {
        if (!receivers.contains(r)) {
          throw new RuleError(
              rf.line(),
              rf.column(),
              "unknown receiver '"
                  + r
                  + "'"
                  + (receivers.isEmpty()
                      ? " (none configured)"
                      : " (configured: " + String.join(", ", receivers) + ")"));
        }
      }
    }
    return new Rule(
        name.trim(),
        metric,
        filters,
        groupBy,
        window,
        comparison,
        threshold,
        forDuration,
        keep,
        margin,
        repeat,
        severity,
        labels,
        annotations,
        minCalls,
        to,
        line);
  }

  private static String text(Map<String, Field> f, String key, int line, String def)
      throws RuleError {
    Field x = f.get(key);
    if (x == null || x.node().isNull()) {
      return def;
    }
    if (!x.node().isValueNode()) {
      throw new RuleError(x.line(), x.column(), "'" + key + "' must be a single value");
    }
    return x.node().asText();
  }

  private static Duration duration(Map<String, Field> f, String key, Duration def)
      throws RuleError {
    Field x = f.get(key);
    if (x == null || x.node().isNull()) {
      return def;
    }
    try {
      if (x.node().isNumber()) {
        if (x.node().asDouble() == 0) {
          return Duration.ZERO;
        }
        throw new IllegalArgumentException("give a unit (e.g. 30s, 5m)");
      }
      return Rules.parseDuration(x.node().asText());
    } catch (IllegalArgumentException e) {
      throw new RuleError(x.line(), x.column(), "'" + key + "': " + e.getMessage());
    }
  }

  private static double threshold(Field th, AlertMetric metric) throws RuleError {
    JsonNode n = th.node();
    if (n.isNumber()) {
      return n.asDouble();
    }
    String s = n.asText().trim();
    try {
      if (s.endsWith("%")) {
        return Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100;
      }
      if (metric.unit().equals("ms")
          && !s.isEmpty()
          && Character.isLetter(s.charAt(s.length() - 1))) {
        return Rules.parseDuration(s).toMillis();
      }
      return Double.parseDouble(s);
    } catch (IllegalArgumentException e) {
      throw new RuleError(
          th.line(),
          th.column(),
          "'threshold' must be a number (or a percentage like 1%, or a duration like 3s for *_ms"
              + " metrics), not '"
              + s
              + "'");
    }
  }

  private static Rule.Margin margin(Field m) throws RuleError {
    JsonNode n = m.node();
    try {
      if (n.isNumber()) {
        if (n.asDouble() < 0) {
          throw new NumberFormatException();
        }
        return new Rule.Margin(n.asDouble(), false);
      }
      String s = n.asText().trim();
      boolean percent = s.endsWith("%");
      double v = Double.parseDouble(percent ? s.substring(0, s.length() - 1).trim() : s);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return new Rule.Margin(v, percent);
    } catch (NumberFormatException e) {
      throw new RuleError(
          m.line(), m.column(), "'resolve_margin' must be a number >= 0 or a percentage like 10%");
    }
  }

  private static Map<String, String> stringMap(Map<String, Field> f, String key) throws RuleError {
    Field x = f.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (x == null || x.node().isNull()) {
      return out;
    }
    if (!x.node().isObject()) {
      throw new RuleError(x.line(), x.column(), "'" + key + "' must be a mapping of names to text");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = x.node().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new RuleError(x.line(), x.column(), key + "." + e.getKey() + " must be text");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
