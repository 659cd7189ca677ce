import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Prints what the demo came for from the sidecar's API: the summary, costs by model, the
 * controller's retries and breaker trips, and the alerts that fired and resolved. Run with the
 * sidecar jar on the class path (for Jackson): {@code java -cp tollgate-sidecar.jar demo/Report.java URL}.
 */
public class Report {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    String base = args[0];
    JsonNode s = get(base + "/api/v1/summary?window=15m");
    System.out.println("Summary, last 15 minutes (GET /api/v1/summary?window=15m)");
    System.out.printf("  calls %d   errors %d (%.1f%%)   retries %d   rate-limited (429) %d   rejected by the controller %d%n",
        s.path("calls").asLong(), s.path("errors").asLong(), 100 * s.path("error_rate").asDouble(),
        s.path("retries").asLong(), s.path("rate_limited").asLong(), s.path("rejected").asLong());
    System.out.printf("  latency ms   p50 %s   p95 %s   p99 %s   max %s%n", num(s.at("/latency_ms/p50")), num(s.at("/latency_ms/p95")), num(s.at("/latency_ms/p99")), num(s.at("/latency_ms/max")));
    System.out.printf("  first chunk  p50 %s   p95 %s   p99 %s%n", num(s.at("/ttft_ms/p50")), num(s.at("/ttft_ms/p95")), num(s.at("/ttft_ms/p99")));
    JsonNode t = s.path("tokens");
    System.out.printf("  tokens       input %d (cache read %d)   output %d (reasoning %d)%n",
        t.path("input").asLong(), t.path("cache_read").asLong(), t.path("output").asLong(), t.path("reasoning").asLong());
    System.out.println("  errors by type  " + compact(s.path("errors_by_type")));
    System.out.println("  rejected by     " + compact(s.path("rejected_by")));
    System.out.println("  breakers now    " + compact(s.path("breakers")));

    JsonNode costs = getOrNull(base + "/api/v1/costs?window=1d&by=model");
    System.out.println();
    if (costs == null) {
      System.out.println("Costs: the sidecar has no /api/v1/costs");
    } else {
      System.out.printf("Costs by model, last day (GET /api/v1/costs?window=1d&by=model): total $%.6f%n", costs.path("total").asDouble());
      for (JsonNode r : costs.path("rows")) {
        System.out.printf("  %-28s $%.6f  %6d calls  %d unpriced%n", r.path("group").asText(), r.path("cost").asDouble(), r.path("calls").asLong(), r.path("unpriced_calls").asLong());
      }
      if (costs.has("month_to_date")) {
        System.out.printf("  month to date $%.6f, forecast for the month $%.6f%n", costs.path("month_to_date").asDouble(), costs.path("forecast_month").asDouble());
      }
    }

    JsonNode byEndpoint = get(base + "/api/v1/breakdown?by=endpoint&window=15m");
    System.out.println();
    System.out.println("The controller, by endpoint (GET /api/v1/breakdown?by=endpoint)");
    for (JsonNode r : byEndpoint.path("rows")) {
      String name = r.path("endpoint").asText();
      System.out.printf("  %-14s calls %d   retries %d   429s %d   rejected %s   breaker %s%n",
          name.isEmpty() ? "(none)" : name, r.path("calls").asLong(), r.path("retries").asLong(), r.path("rate_limited").asLong(),
          compact(r.path("rejected_by")), compact(r.path("breakers")));
    }

    JsonNode history = getOrNull(base + "/api/v1/alerts/history");
    System.out.println();
    if (history == null) {
      System.out.println("Alerts: the sidecar has no /api/v1/alerts/history");
    } else {
      System.out.println("Alerts that fired and resolved, oldest first (GET /api/v1/alerts/history)");
      java.util.List<JsonNode> events = new java.util.ArrayList<>();
      history.path("events").forEach(events::add);
      java.util.Collections.reverse(events);
      int n = 0;
      for (JsonNode a : events) {
        if (n++ >= 24) {
          System.out.println("  ...");
          break;
        }
        System.out.printf("  %s  %-20s %-9s %-8s value %-8s threshold %-6s %s%n",
            a.path("time").asText(), a.path("name").asText(), a.path("event").asText(), a.path("severity").asText(),
            num(a.path("value")), num(a.path("threshold")), a.path("labels").path("endpoint").asText());
      }
      if (n == 0) {
        System.out.println("  (none)");
      }
    }
  }

  static String num(JsonNode n) {
    if (!n.isNumber()) {
      return "-";
    }
    double v = n.asDouble();
    return Math.abs(v) < 10 && v != Math.rint(v) ? String.format("%.3f", v) : String.format("%.1f", v);
  }

  static String compact(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull() || n.size() == 0) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText());
    }
    return sb.toString();
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " -> " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  static JsonNode getOrNull(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }
}
