package dev.tollgate.sidecar.api;

import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.costs.Budgets;
import dev.tollgate.sidecar.costs.CostLedger;
import dev.tollgate.sidecar.costs.CostTotals;
import dev.tollgate.sidecar.costs.Price;
import dev.tollgate.sidecar.costs.PriceBook;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GET /api/v1/costs, /costs/timeseries, /budgets and /prices. */
final class CostHandlers {
  private static final Pattern WINDOW = Pattern.compile("(\\d{1,6})(m|h|d|mo)");
  private static final List<Dimension> GROUPS =
      List.of(
          Dimension.MODEL,
          Dimension.PROVIDER,
          Dimension.SERVICE,
          Dimension.ENDPOINT,
          Dimension.DIFY_APP);

  private final CostLedger ledger;
  private final PriceBook prices;
  private final Budgets budgets;
  private final Json json;

  CostHandlers(CostLedger ledger, PriceBook prices, Budgets budgets, Json json) {
    this.ledger = ledger;
    this.prices = prices;
    this.budgets = budgets;
    this.json = json;
  }

  void costs(Context ctx) {
    String windowText = param(ctx, "window", "30d").toLowerCase(Locale.ROOT);
    CostLedger.Span span;
    switch (windowText) {
      case "mtd", "month" -> span = ledger.monthToDate();
      case "today" -> span = ledger.today();
      default -> {
        Duration w = duration(windowText, "window");
        if (w.compareTo(CostLedger.MAX_WINDOW) > 0
            || w.toMinutes() < 1
            || windowText.endsWith("mo")) {
          throw new BadRequest(
              "window must be from 1m to 31d (or mtd, today), not '" + windowText + "'");
        }
        span = ledger.window(w);
      }
    }
    String byText = param(ctx, "by", "model").toLowerCase(Locale.ROOT);
    Dimension by = null;
    if (!byText.equals("none")) {
      by = Dimension.parse(byText);
      if (by == null || !GROUPS.contains(by)) {
        throw new BadRequest(
            "by must be one of model, provider, service, endpoint, dify_app, none");
      }
    }
    Map<Dimension, String> filter = filter(ctx);
    CostTotals total = ledger.total(filter, span);
    List<Map<String, Object>> rows = new ArrayList<>();
    if (by != null) {
      for (Map.Entry<List<String>, CostTotals> e :
          ledger.groups(filter, List.of(by), span).entrySet()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("group", e.getKey().get(0));
        putTotals(row, e.getValue(), false);
        rows.add(row);
      }
    }
    List<Map<String, Object>> unpriced = new ArrayList<>();
    for (Map.Entry<List<String>, CostTotals> e :
        ledger.groups(filter, List.of(Dimension.PROVIDER, Dimension.MODEL), span).entrySet()) {
      CostTotals t = e.getValue();
      if (t.unpriced() == 0) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", e.getKey().get(1));
      m.put("provider", e.getKey().get(0));
      m.put("calls", t.unpriced());
      Map<String, Long> reasons = new LinkedHashMap<>();
      if (t.noPrice() > 0) {
        reasons.put("no_price", t.noPrice());
      }
      if (t.unknownUsage() > 0) {
        reasons.put("unknown_usage", t.unknownUsage());
      }
      if (t.noRate() > 0) {
        reasons.put("no_exchange_rate", t.noRate());
      }
      m.put("reasons", reasons);
      unpriced.add(m);
    }
    unpriced.sort((a, b) -> Long.compare((Long) b.get("calls"), (Long) a.get("calls")));

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("window", windowText);
    body.put("currency", "USD");
    body.put("by", by == null ? "none" : by.label());
    body.put("filter", filterMap(filter));
    body.put("total", Json.money(total.cost()));
    putTotals(body, total, true);
    body.put("rows", rows);
    body.put("unpriced_models", unpriced);
    body.put("month", ledger.currentMonth().toString());
    body.put("month_to_date", Json.money(ledger.total(filter, ledger.monthToDate()).cost()));
    body.put("forecast_month", Json.money(ledger.forecastMonth(filter)));
    body.put("timezone", ledger.zone().getId());
    body.put("prices_as_of", prices.asOf());
    body.put("price_source", prices.source());
    json.send(ctx, 200, body);
  }

  private static void putTotals(Map<String, Object> m, CostTotals t, boolean top) {
    if (!top) {
      m.put("cost", Json.money(t.cost()));
    }
    m.put("estimated", Json.money(t.estimated()));
    m.put("reported", Json.money(t.reported()));
    m.put("drift", Json.money(t.drift()));
    m.put("calls", t.calls());
    m.put("unpriced_calls", t.unpriced());
  }

  void timeseries(Context ctx) {
    String stepText = param(ctx, "step", "1h").toLowerCase(Locale.ROOT);
    CostLedger.Grain grain =
        switch (stepText) {
          case "1m" -> CostLedger.Grain.MINUTE;
          case "1h" -> CostLedger.Grain.HOUR;
          case "1d" -> CostLedger.Grain.DAY;
          case "1mo" -> CostLedger.Grain.MONTH;
          default -> throw new BadRequest("step must be 1m, 1h, 1d or 1mo");
        };
    String def =
        switch (grain) {
          case MINUTE -> "1h";
          case HOUR -> "24h";
          case DAY -> "30d";
          case MONTH -> "12mo";
        };
    String windowText = param(ctx, "window", def).toLowerCase(Locale.ROOT);
    long points = points(windowText, grain);
    if (points < 1 || points > grain.kept()) {
      throw new BadRequest(
          "window gives "
              + points
              + " points of "
              + stepText
              + "; at most "
              + grain.kept()
              + " are kept");
    }
    Map<Dimension, String> filter = filter(ctx);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<Long, CostTotals> p : ledger.series(filter, ledger.last(grain, points))) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("t", p.getKey());
      point.put("time", Instant.ofEpochMilli(p.getKey()).toString());
      point.put("cost", Json.money(p.getValue().cost()));
      point.put("calls", p.getValue().calls());
      point.put("unpriced_calls", p.getValue().unpriced());
      out.add(point);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("step", stepText);
    body.put("window", windowText);
    body.put("currency", "USD");
    body.put("timezone", ledger.zone().getId());
    body.put("filter", filterMap(filter));
    body.put("points", out);
    json.send(ctx, 200, body);
  }

  private static long points(String windowText, CostLedger.Grain grain) {
    Matcher m = WINDOW.matcher(windowText);
    if (!m.matches()) {
      throw new BadRequest("window must look like 6h, 30d or 12mo, not '" + windowText + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (grain == CostLedger.Grain.MONTH) {
      if (!unit.equals("mo")) {
        throw new BadRequest("with step=1mo, give the window in months (e.g. 12mo)");
      }
      return n;
    }
    if (unit.equals("mo")) {
      throw new BadRequest("a window in months needs step=1mo");
    }
    long minutes =
        switch (unit) {
          case "m" -> n;
          case "h" -> n * 60;
          default -> n * 1440;
        };
    long stepMinutes =
        switch (grain) {
          case MINUTE -> 1;
          case HOUR -> 60;
          default -> 1440;
        };
    return (minutes + stepMinutes - 1) / stepMinutes;
  }

  void budgets(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Budgets.Status s : budgets.status()) {
      Budget b = s.budget();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", b.name());
      m.put("period", b.period().label());
      m.put("scope", b.scopeText());
      m.put("limit", Json.money(b.limitUsd()));
      m.put("spent", Json.money(s.spentUsd()));
      m.put("used_ratio", Json.value(Math.round(s.usedRatio() * 1e6) / 1e6));
      m.put("forecast", Json.money(s.forecastUsd()));
      m.put("unpriced_calls", s.unpricedCalls());
      m.put("period_start", Instant.ofEpochMilli(s.periodStartMillis()).toString());
      m.put("period_end", Instant.ofEpochMilli(s.periodEndMillis()).toString());
      List<Object> at = new ArrayList<>();
      b.alertAt().forEach(x -> at.add(Json.value(x)));
      m.put("alert_at", at);
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("currency", "USD");
    body.put("timezone", ledger.zone().getId());
    body.put("budgets", out);
    json.send(ctx, 200, body);
  }

  void prices(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("prices_as_of", prices.asOf());
    body.put("price_source", prices.source());
    body.put("models", prices.size());
    String model = param(ctx, "model", null);
    if (model != null) {
      PriceBook.Resolution r =
          prices.resolve(
              param(ctx, "endpoint", ""),
              param(ctx, "provider", ""),
              model,
              param(ctx, "response_model", ""));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("found", r.found());
      m.put("how", r.how());
      if (r.found()) {
        Price p = r.price();
        m.put("matched_name", r.matchedName());
        m.put("key", p.key());
        m.put("provider", p.provider());
        m.put("mode", p.mode());
        m.put("source", p.source());
        m.put("input_per_million", perMillion(p.input()));
        m.put("output_per_million", perMillion(p.output()));
        m.put("cache_read_per_million", perMillion(p.cacheRead()));
        m.put("cache_write_per_million", perMillion(p.cacheWrite()));
        m.put("reasoning_per_million", perMillion(p.reasoning()));
        List<Object> tiers = new ArrayList<>();
        for (Price.Tier t : p.tiers()) {
          Map<String, Object> tm = new LinkedHashMap<>();
          tm.put("above_tokens", t.aboveTokens());
          tm.put("input_per_million", perMillion(t.input()));
          tm.put("output_per_million", perMillion(t.output()));
          tm.put("cache_read_per_million", perMillion(t.cacheRead()));
          tm.put("cache_write_per_million", perMillion(t.cacheWrite()));
          tiers.add(tm);
        }
        m.put("tiers", tiers);
      }
      body.put("match", m);
    }
    json.send(ctx, 200, body);
  }

  private static Object perMillion(double perToken) {
    if (Double.isNaN(perToken)) {
      return null;
    }
    return Math.round(perToken * 1e6 * 1e6) / 1e6;
  }

  // ---------------------------------------------------------------------------------------------

  private static String param(Context ctx, String name, String def) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private static Duration duration(String text, String name) {
    Matcher m = WINDOW.matcher(text);
    if (!m.matches() || m.group(2).equals("mo")) {
      throw new BadRequest(name + " must look like 15m, 6h, 30d, mtd or today, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static Map<Dimension, String> filter(Context ctx) {
    Map<Dimension, String> f = new EnumMap<>(Dimension.class);
    for (Dimension d : GROUPS) {
      String v = ctx.queryParam(d.label());
      if (v != null && !v.isEmpty()) {
        f.put(d, v);
      }
    }
    return f;
  }

  private static Map<String, String> filterMap(Map<Dimension, String> f) {
    Map<String, String> m = new LinkedHashMap<>();
    f.forEach((d, v) -> m.put(d.label(), v));
    return m;
  }
}
