package dev.tollgate.sidecar.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.costs.CostSettings;
import dev.tollgate.sidecar.costs.Price;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The structured sections of the YAML configuration: {@code costs:}, {@code budgets:} and {@code
 * receivers:}. Every error names the path of the offending key ({@code costs.models.gpt-4o: ...}).
 */
final class ConfigSections {
  private ConfigSections() {}

  private static final double PER_MILLION = 1e-6;

  // ---------------------------------------------------------------------------------------------
  // costs:

  static CostSettings costs(JsonNode n) throws ConfigException {
    if (n == null || n.isNull()) {
      return CostSettings.NONE;
    }
    requireObject(n, "costs");
    allowOnly(n, "costs", Set.of("currencies", "models", "endpoints", "patterns", "deployments"));
    Map<String, Double> currencies = new LinkedHashMap<>();
    JsonNode cur = n.get("currencies");
    if (cur != null && !cur.isNull()) {
      requireObject(cur, "costs.currencies");
      for (Iterator<Map.Entry<String, JsonNode>> it = cur.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        double rate = positive(e.getValue(), "costs.currencies." + e.getKey());
        currencies.put(e.getKey().trim().toUpperCase(Locale.ROOT), rate);
      }
    }
    Map<String, Price> models = priceMap(n.get("models"), "costs.models", currencies);
    Map<String, CostSettings.EndpointPrices> endpoints = new LinkedHashMap<>();
    JsonNode eps = n.get("endpoints");
    if (eps != null && !eps.isNull()) {
      requireObject(eps, "costs.endpoints");
      for (Iterator<Map.Entry<String, JsonNode>> it = eps.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = "costs.endpoints." + e.getKey();
        JsonNode ep = e.getValue();
        requireObject(ep, path);
        allowOnly(ep, path, Set.of("multiplier", "models", "default"));
        double multiplier =
            ep.has("multiplier") ? positive(ep.get("multiplier"), path + ".multiplier") : 1.0;
        Map<String, Price> epModels = priceMap(ep.get("models"), path + ".models", currencies);
        Price fallback =
            ep.has("default") ? price(ep.get("default"), path + ".default", "*", currencies) : null;
        endpoints.put(e.getKey(), new CostSettings.EndpointPrices(multiplier, epModels, fallback));
      }
    }
    List<CostSettings.PricePattern> patterns = new ArrayList<>();
    JsonNode pats = n.get("patterns");
    if (pats != null && !pats.isNull()) {
      if (!pats.isArray()) {
        throw new ConfigException(
            "costs.patterns: must be a list of {match, model} or {match, price}");
      }
      int i = 0;
      for (JsonNode p : pats) {
        String path = "costs.patterns[" + i++ + "]";
        requireObject(p, path);
        allowOnly(p, path, Set.of("match", "model", "price"));
        String glob = text(p.get("match"), path + ".match");
        boolean hasModel = p.hasNonNull("model");
        boolean hasPrice = p.hasNonNull("price");
        if (hasModel == hasPrice) {
          throw new ConfigException(
              path + ": give either 'model' (price like that model) or 'price'");
        }
        patterns.add(
            new CostSettings.PricePattern(
                glob,
                glob(glob),
                hasPrice ? price(p.get("price"), path + ".price", glob, currencies) : null,
                hasModel ? text(p.get("model"), path + ".model") : null));
      }
    }
    Map<String, String> deployments = new LinkedHashMap<>();
    JsonNode deps = n.get("deployments");
    if (deps != null && !deps.isNull()) {
      requireObject(deps, "costs.deployments");
      for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        deployments.put(e.getKey(), text(e.getValue(), "costs.deployments." + e.getKey()));
      }
    }
    return new CostSettings(models, endpoints, patterns, deployments, currencies);
  }

  private static Pattern glob(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> sb.append(".*");
        case '?' -> sb.append('.');
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE);
  }

  private static Map<String, Price> priceMap(
      JsonNode n, String path, Map<String, Double> currencies) throws ConfigException {
    Map<String, Price> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    requireObject(n, path);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), price(e.getValue(), path + "." + e.getKey(), e.getKey(), currencies));
    }
    return out;
  }

  private static final Set<String> PRICE_KEYS =
      Set.of(
          "input_cost_per_token",
          "output_cost_per_token",
          "cache_read_input_token_cost",
          "cache_creation_input_token_cost",
          "output_cost_per_reasoning_token",
          "input_per_million",
          "output_per_million",
          "cache_read_per_million",
          "cache_write_per_million",
          "reasoning_per_million",
          "currency",
          "mode",
          "litellm_provider",
          "provider");

  /** A price in LiteLLM's per-token fields or per-million fields, in any configured currency. */
  static Price price(JsonNode n, String path, String key, Map<String, Double> currencies)
      throws ConfigException {
    requireObject(n, path);
    allowOnly(n, path, PRICE_KEYS);
    String mode = n.hasNonNull("mode") ? text(n.get("mode"), path + ".mode") : "chat";
    double input = rate(n, path, "input_cost_per_token", "input_per_million");
    double output = rate(n, path, "output_cost_per_token", "output_per_million");
    double cacheRead = rate(n, path, "cache_read_input_token_cost", "cache_read_per_million");
    double cacheWrite = rate(n, path, "cache_creation_input_token_cost", "cache_write_per_million");
    double reasoning = rate(n, path, "output_cost_per_reasoning_token", "reasoning_per_million");
    if (Double.isNaN(input)) {
      throw new ConfigException(path + ": needs input_per_million (or input_cost_per_token)");
    }
    if (Double.isNaN(output) && !mode.equals("embedding")) {
      throw new ConfigException(
          path + ": needs output_per_million (or output_cost_per_token), or mode: embedding");
    }
    double factor = 1.0;
    String currency = "USD";
    if (n.hasNonNull("currency")) {
      currency = text(n.get("currency"), path + ".currency").trim().toUpperCase(Locale.ROOT);
      if (!currency.equals("USD")) {
        Double r = currencies.get(currency);
        if (r == null && (currency.equals("RMB") || currency.equals("CNY"))) {
          r = currencies.get(currency.equals("RMB") ? "CNY" : "RMB");
        }
        if (r == null) {
          throw new ConfigException(
              path + ": currency " + currency + " has no rate in costs.currencies (USD per unit)");
        }
        factor = r;
      }
    }
    String provider =
        n.hasNonNull("litellm_provider")
            ? n.get("litellm_provider").asText()
            : n.hasNonNull("provider") ? n.get("provider").asText() : "";
    Price p =
        new Price(
            key,
            provider,
            mode,
            input,
            output,
            cacheRead,
            cacheWrite,
            reasoning,
            List.of(),
            "config");
    return factor == 1.0 ? p : p.scaled(factor, "config (" + currency + ")");
  }

  private static double rate(JsonNode n, String path, String perToken, String perMillion)
      throws ConfigException {
    if (n.hasNonNull(perToken) && n.hasNonNull(perMillion)) {
      throw new ConfigException(path + ": give " + perToken + " or " + perMillion + ", not both");
    }
    if (n.hasNonNull(perToken)) {
      return nonNegative(n.get(perToken), path + "." + perToken);
    }
    if (n.hasNonNull(perMillion)) {
      return nonNegative(n.get(perMillion), path + "." + perMillion) * PER_MILLION;
    }
    return Double.NaN;
  }

  // ---------------------------------------------------------------------------------------------
  // budgets:

  static List<Budget> budgets(JsonNode n, Map<String, Double> currencies) throws ConfigException {
    List<Budget> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new ConfigException("budgets: must be a list");
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode b : n) {
      String path = "budgets[" + i++ + "]";
      requireObject(b, path);
      allowOnly(b, path, Set.of("name", "period", "limit", "currency", "scope", "alert_at"));
      String name = text(b.get("name"), path + ".name");
      path = "budgets." + name;
      if (!names.add(name)) {
        throw new ConfigException(path + ": duplicate budget name");
      }
      String periodText =
          b.hasNonNull("period")
              ? text(b.get("period"), path + ".period").toLowerCase(Locale.ROOT)
              : "monthly";
      Budget.Period period =
          switch (periodText) {
            case "daily", "day" -> Budget.Period.DAILY;
            case "monthly", "month" -> Budget.Period.MONTHLY;
            default ->
                throw new ConfigException(
                    path + ".period: daily or monthly, not '" + periodText + "'");
          };
      double limit = positive(b.get("limit"), path + ".limit");
      if (b.hasNonNull("currency")) {
        String c = text(b.get("currency"), path + ".currency").trim().toUpperCase(Locale.ROOT);
        if (!c.equals("USD")) {
          Double r = currencies.get(c);
          if (r == null) {
            throw new ConfigException(
                path + ".currency: " + c + " has no rate in costs.currencies");
          }
          limit *= r;
        }
      }
      Map<Dimension, String> scope = new EnumMap<>(Dimension.class);
      JsonNode s = b.get("scope");
      if (s != null && !s.isNull() && !(s.isTextual() && s.asText().equals("all"))) {
        requireObject(s, path + ".scope");
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Dimension d = Dimension.parse(e.getKey());
          if (d == null || d == Dimension.OPERATION) {
            throw new ConfigException(
                path
                    + ".scope: '"
                    + e.getKey()
                    + "' is not one of service, provider, model, endpoint, dify_app");
          }
          scope.put(d, text(e.getValue(), path + ".scope." + e.getKey()));
        }
      }
      List<Double> alertAt = new ArrayList<>();
      JsonNode a = b.get("alert_at");
      if (a != null && !a.isNull()) {
        if (!a.isArray()) {
          throw new ConfigException(
              path + ".alert_at: must be a list of percentages, e.g. [80, 100]");
        }
        for (JsonNode p : a) {
          double pct = positive(p, path + ".alert_at");
          if (pct > 1000) {
            throw new ConfigException(path + ".alert_at: percentages are at most 1000");
          }
          alertAt.add(pct);
        }
      }
      out.add(new Budget(name, period, limit, scope, alertAt));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // receivers:

  static List<Receiver> receivers(JsonNode n) throws ConfigException {
    List<Receiver> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new ConfigException("receivers: must be a list");
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode r : n) {
      String path = "receivers[" + i++ + "]";
      requireObject(r, path);
      allowOnly(
          r,
          path,
          Set.of(
              "name",
              "type",
              "url",
              "timeout",
              "headers",
              "send_resolved",
              "max_attempts",
              "backoff",
              "max_backoff",
              "resend_interval"));
      String name = text(r.get("name"), path + ".name");
      path = "receivers." + name;
      if (!names.add(name)) {
        throw new ConfigException(path + ": duplicate receiver name");
      }
      String type = text(r.get("type"), path + ".type").toLowerCase(Locale.ROOT);
      URI url = url(r.get("url"), path + ".url");
      Duration timeout = duration(r.get("timeout"), path + ".timeout", Duration.ofSeconds(10));
      Map<String, String> headers = new LinkedHashMap<>();
      JsonNode h = r.get("headers");
      if (h != null && !h.isNull()) {
        requireObject(h, path + ".headers");
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          headers.put(e.getKey(), text(e.getValue(), path + ".headers." + e.getKey()));
        }
      }
      boolean sendResolved =
          !r.hasNonNull("send_resolved") || r.get("send_resolved").asBoolean(true);
      int attempts = 5;
      if (r.hasNonNull("max_attempts")) {
        JsonNode ma = r.get("max_attempts");
        if (!ma.isIntegralNumber() || ma.asInt() < 1 || ma.asInt() > 100) {
          throw new ConfigException(path + ".max_attempts: a whole number from 1 to 100");
        }
        attempts = ma.asInt();
      }
      Receiver.Delivery delivery =
          new Receiver.Delivery(
              attempts,
              duration(
                  r.get("backoff"), path + ".backoff", Receiver.Delivery.DEFAULT.initialBackoff()),
              duration(
                  r.get("max_backoff"),
                  path + ".max_backoff",
                  Receiver.Delivery.DEFAULT.maxBackoff()));
      out.add(
          switch (type) {
            case "webhook" ->
                new Receiver.Webhook(name, url, timeout, headers, sendResolved, delivery);
            case "slack" -> new Receiver.Slack(name, url, timeout, headers, sendResolved, delivery);
            case "alertmanager" ->
                new Receiver.Alertmanager(
                    name,
                    url,
                    timeout,
                    headers,
                    delivery,
                    duration(
                        r.get("resend_interval"),
                        path + ".resend_interval",
                        Duration.ofMinutes(1)));
            default ->
                throw new ConfigException(
                    path + ".type: webhook, slack or alertmanager, not '" + type + "'");
          });
    }
    return out;
  }

  private static URI url(JsonNode n, String path) throws ConfigException {
    String s = text(n, path);
    try {
      URI u = new URI(s.trim());
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw new ConfigException(path + ": must be an http:// or https:// URL");
      }
      if (u.getRawUserInfo() != null) {
        throw new ConfigException(
            path + ": credentials in the URL are not supported; send them in headers instead");
      }
      return u;
    } catch (URISyntaxException e) {
      // The URL may hold a secret (Slack): say what is wrong, not what it is.
      throw new ConfigException(path + ": not a valid URL (" + e.getReason() + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void requireObject(JsonNode n, String path) throws ConfigException {
    if (n == null || !n.isObject()) {
      throw new ConfigException(path + ": must be a mapping");
    }
  }

  private static void allowOnly(JsonNode n, String path, Set<String> keys) throws ConfigException {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw new ConfigException(path + ": unknown key '" + k + "'");
      }
    }
  }

  private static String text(JsonNode n, String path) throws ConfigException {
    if (n == null || n.isNull() || !n.isValueNode() || n.asText().isBlank()) {
      throw new ConfigException(path + ": required, a single value");
    }
    return n.asText();
  }

  private static double number(JsonNode n, String path) throws ConfigException {
    if (n == null || n.isNull()) {
      throw new ConfigException(path + ": required, a number");
    }
    double d;
    if (n.isNumber()) {
      d = n.asDouble();
    } else {
      try {
        d = Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(path + ": '" + n.asText() + "' is not a number");
      }
    }
    if (!Double.isFinite(d)) {
      throw new ConfigException(path + ": must be a finite number");
    }
    return d;
  }

  private static double positive(JsonNode n, String path) throws ConfigException {
    double d = number(n, path);
    if (d <= 0) {
      throw new ConfigException(path + ": must be greater than 0");
    }
    return d;
  }

  private static double nonNegative(JsonNode n, String path) throws ConfigException {
    double d = number(n, path);
    if (d < 0) {
      throw new ConfigException(path + ": must not be negative");
    }
    return d;
  }

  private static Duration duration(JsonNode n, String path, Duration def) throws ConfigException {
    if (n == null || n.isNull()) {
      return def;
    }
    try {
      Duration d = ConfigLoader.parseDuration(n.asText());
      if (d.isNegative() || d.isZero()) {
        throw new ConfigException(path + ": must be positive");
      }
      return d;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new ConfigException(path + ": '" + n.asText() + "' is not a duration (e.g. 5s, 1m)");
    }
  }
}
