package dev.tollgate.samples.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The final numbers of a run, computed from the merged statistics; rendered as table or JSON. */
record Report(
    String scenario,
    boolean stream,
    String mode,
    int concurrency,
    double rate,
    double rampUpSeconds,
    double elapsedSeconds,
    long ok,
    Map<Outcome, Long> errors,
    Percentiles latency,
    Percentiles firstChunk,
    Percentiles service,
    long tokensIn,
    long tokensOut,
    long tokensTotal,
    long withUsage,
    long withoutUsage,
    Double costUsd,
    long unpricedTokens,
    String pricing) {

  /** Milliseconds. Null when nothing was recorded. */
  record Percentiles(long count, double p50, double p95, double p99, double max, double mean) {
    static Percentiles of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return null;
      }
      return new Percentiles(
          h.getTotalCount(),
          ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(95)),
          ms(h.getValueAtPercentile(99)),
          ms(h.getMaxValue()),
          h.getMean() / 1000.0);
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }

  static Report of(
      Options o, Stats.Totals totals, Stats[] all, double elapsedSeconds, String pricing) {
    long ok = 0;
    Map<Outcome, Long> errors = new LinkedHashMap<>();
    for (Outcome out : Outcome.values()) {
      long n = 0;
      for (Stats s : all) {
        n += s.count(out);
      }
      if (out == Outcome.OK) {
        ok = n;
      } else {
        errors.put(out, n);
      }
    }
    long in = 0, outTok = 0, total = 0, with = 0, without = 0, cost = 0, unpriced = 0;
    for (Stats s : all) {
      in += s.tokensIn.sum();
      outTok += s.tokensOut.sum();
      total += s.tokensTotal.sum();
      with += s.withUsage.sum();
      without += s.withoutUsage.sum();
      cost += s.costNanoUsd.sum();
      unpriced += s.unpricedTokens.sum();
    }
    return new Report(
        o.scenario.label,
        o.stream,
        o.openLoop() ? "open" : "closed",
        o.concurrency,
        o.rate,
        o.rampUpNanos / 1e9,
        elapsedSeconds,
        ok,
        errors,
        Percentiles.of(totals.latency),
        Percentiles.of(totals.firstChunk),
        Percentiles.of(totals.service),
        in,
        outTok,
        total,
        with,
        without,
        pricing == null ? null : cost / 1e9,
        unpriced,
        pricing);
  }

  long errorCount() {
    long n = 0;
    for (long v : errors.values()) {
      n += v;
    }
    return n;
  }

  long requests() {
    return ok + errorCount();
  }

  /** Finished requests (successes and errors) per second of the run. */
  double throughput() {
    return elapsedSeconds <= 0 ? 0 : requests() / elapsedSeconds;
  }

  double okThroughput() {
    return elapsedSeconds <= 0 ? 0 : ok / elapsedSeconds;
  }

  String table() {
    StringBuilder sb = new StringBuilder();
    String loop =
        mode.equals("open")
            ? String.format(
                Locale.ROOT, "open loop at %s req/s, up to %d connections", num(rate), concurrency)
            : String.format(
                Locale.ROOT,
                "closed loop, %d connections%s",
                concurrency,
                rampUpSeconds > 0 ? ", ramp-up " + num(rampUpSeconds) + " s" : "");
    sb.append(
        String.format(
            Locale.ROOT,
            "tollgate-loadgen: %s, %s, %s%n",
            scenario,
            stream ? "streaming" : "blocking",
            loop));
    sb.append('\n');
    row(
        sb,
        "requests",
        group(requests()),
        String.format(Locale.ROOT, "ok %s, errors %s", group(ok), group(errorCount())));
    row(sb, "elapsed", String.format(Locale.ROOT, "%.2f s", elapsedSeconds), "");
    row(
        sb,
        "throughput",
        String.format(Locale.ROOT, "%.1f req/s", throughput()),
        String.format(Locale.ROOT, "ok %.1f req/s", okThroughput()));
    sb.append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "%-22s%10s%10s%10s%10s%10s%n",
            "latency (ms)",
            "p50",
            "p95",
            "p99",
            "max",
            "mean"));
    pct(sb, mode.equals("open") ? "from scheduled start" : "request", latency);
    if (firstChunk != null || stream) {
      pct(sb, "time to first chunk", firstChunk);
    }
    if (service != null) {
      pct(sb, "service (from send)", service);
    }
    sb.append('\n');
    sb.append("errors\n");
    for (Map.Entry<Outcome, Long> e : errors.entrySet()) {
      if (e.getKey() != Outcome.OTHER || e.getValue() > 0) {
        sb.append(
            String.format(Locale.ROOT, "  %-20s%12s%n", e.getKey().label, group(e.getValue())));
      }
    }
    sb.append('\n');
    sb.append("tokens\n");
    sb.append(String.format(Locale.ROOT, "  %-20s%12s%n", "input", group(tokensIn)));
    sb.append(String.format(Locale.ROOT, "  %-20s%12s%n", "output", group(tokensOut)));
    sb.append(String.format(Locale.ROOT, "  %-20s%12s%n", "total", group(tokensTotal)));
    if (withoutUsage > 0) {
      sb.append(
          String.format(Locale.ROOT, "  %-20s%12s%n", "responses w/o usage", group(withoutUsage)));
    }
    sb.append('\n');
    if (costUsd == null) {
      sb.append(
          "estimated cost        n/a (no price for the model: use --price-input/--price-output)\n");
    } else {
      sb.append(
          String.format(Locale.ROOT, "estimated cost        $%.4f   (%s)%n", costUsd, pricing));
      if (unpricedTokens > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "                      %s tokens without an input/output split not priced%n",
                group(unpricedTokens)));
      }
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, String value, String note) {
    sb.append(String.format(Locale.ROOT, "%-14s%14s   %s", name, value, note).stripTrailing())
        .append('\n');
  }

  private static void pct(StringBuilder sb, String name, Percentiles p) {
    if (p == null) {
      sb.append(
          String.format(
              Locale.ROOT, "  %-20s%10s%10s%10s%10s%10s%n", name, "-", "-", "-", "-", "-"));
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-20s%10.3f%10.3f%10.3f%10.3f%10.3f%n",
              name,
              p.p50,
              p.p95,
              p.p99,
              p.max,
              p.mean));
    }
  }

  private static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
  }

  ObjectNode json() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode o = m.createObjectNode();
    o.put("scenario", scenario);
    o.put("stream", stream);
    o.put("mode", mode);
    o.put("concurrency", concurrency);
    if (mode.equals("open")) {
      o.put("rate", rate);
    } else {
      o.putNull("rate");
    }
    o.put("ramp_up_seconds", rampUpSeconds);
    o.put("elapsed_seconds", round(elapsedSeconds, 3));
    ObjectNode req = o.putObject("requests");
    req.put("total", requests());
    req.put("ok", ok);
    req.put("errors", errorCount());
    o.put("throughput_rps", round(throughput(), 1));
    o.put("ok_rps", round(okThroughput(), 1));
    putPercentiles(o, "latency_ms", latency);
    putPercentiles(o, "first_chunk_ms", firstChunk);
    putPercentiles(o, "service_ms", service);
    ObjectNode e = o.putObject("errors");
    for (Map.Entry<Outcome, Long> x : errors.entrySet()) {
      e.put(x.getKey().label, x.getValue());
    }
    ObjectNode t = o.putObject("tokens");
    t.put("input", tokensIn);
    t.put("output", tokensOut);
    t.put("total", tokensTotal);
    t.put("responses_with_usage", withUsage);
    t.put("responses_without_usage", withoutUsage);
    if (costUsd == null) {
      o.putNull("estimated_cost_usd");
    } else {
      o.put("estimated_cost_usd", round(costUsd, 6));
    }
    o.put("unpriced_tokens", unpricedTokens);
    if (pricing == null) {
      o.putNull("pricing");
    } else {
      o.put("pricing", pricing);
    }
    return o;
  }

  String jsonText() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(json());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static void putPercentiles(ObjectNode o, String name, Percentiles p) {
    if (p == null) {
      o.putNull(name);
      return;
    }
    ObjectNode n = o.putObject(name);
    n.put("count", p.count);
    n.put("p50", round(p.p50, 3));
    n.put("p95", round(p.p95, 3));
    n.put("p99", round(p.p99, 3));
    n.put("max", round(p.max, 3));
    n.put("mean", round(p.mean, 3));
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
