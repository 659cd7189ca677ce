package dev.tollgate.samples.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Report arithmetic from hand-made statistics. */
class ReportTest {
  private static final Prices.Price MINI = new Prices.Price(0.15, 0.60);

  private static Options options(String... args) {
    return Options.parse(args, Map.of());
  }

  @Test
  void percentilesThroughputErrorsTokensAndCost() throws Exception {
    Stats s = new Stats();
    // 100 successes at 1..100 ms, each 1000 tokens in and 500 out.
    for (int i = 1; i <= 100; i++) {
      s.ok(i * 1_000_000L, i * 100_000L, -1, new BodyAnalyzer.Tokens(1000, 500, 1500), MINI);
    }
    for (int i = 0; i < 7; i++) {
      s.error(Outcome.RATE_LIMITED);
    }
    s.error(Outcome.TIMEOUT);
    s.error(Outcome.SERVER_ERROR);
    s.error(Outcome.CONNECTION);
    Stats.Totals totals = new Stats.Totals();
    totals.drain(s);
    Report r =
        Report.of(
            options("--url", "http://h", "--stream"),
            totals,
            new Stats[] {s},
            2.0,
            "gpt-4o-mini prices");

    assertThat(r.requests()).isEqualTo(110);
    assertThat(r.ok()).isEqualTo(100);
    assertThat(r.errorCount()).isEqualTo(10);
    assertThat(r.throughput()).isEqualTo(55.0);
    assertThat(r.okThroughput()).isEqualTo(50.0);
    assertThat(r.errors())
        .containsEntry(Outcome.RATE_LIMITED, 7L)
        .containsEntry(Outcome.TIMEOUT, 1L)
        .containsEntry(Outcome.SERVER_ERROR, 1L)
        .containsEntry(Outcome.CONNECTION, 1L)
        .containsEntry(Outcome.CLIENT_ERROR, 0L);
    // HdrHistogram keeps 3 significant digits: 50 ms is 50.0xx at most.
    assertThat(r.latency().p50()).isCloseTo(50.0, within(0.1));
    assertThat(r.latency().p95()).isCloseTo(95.0, within(0.1));
    assertThat(r.latency().p99()).isCloseTo(99.0, within(0.1));
    assertThat(r.latency().max()).isCloseTo(100.0, within(0.1));
    assertThat(r.latency().mean()).isCloseTo(50.5, within(0.1));
    assertThat(r.firstChunk().p50()).isCloseTo(5.0, within(0.01));
    assertThat(r.service()).isNull();
    assertThat(r.tokensIn()).isEqualTo(100_000);
    assertThat(r.tokensOut()).isEqualTo(50_000);
    assertThat(r.tokensTotal()).isEqualTo(150_000);
    // 100k in at $0.15/M + 50k out at $0.60/M = 0.015 + 0.03
    assertThat(r.costUsd()).isCloseTo(0.045, within(1e-9));

    JsonNode json = new ObjectMapper().readTree(r.jsonText());
    assertThat(json.path("requests").path("total").asLong()).isEqualTo(110);
    assertThat(json.path("throughput_rps").asDouble()).isEqualTo(55.0);
    assertThat(json.path("errors").path("429").asLong()).isEqualTo(7);
    assertThat(json.path("errors").path("4xx").asLong()).isZero();
    assertThat(json.path("latency_ms").path("p99").asDouble()).isCloseTo(99.0, within(0.1));
    assertThat(json.path("first_chunk_ms").path("count").asLong()).isEqualTo(100);
    assertThat(json.path("service_ms").isNull()).isTrue();
    assertThat(json.path("tokens").path("input").asLong()).isEqualTo(100_000);
    assertThat(json.path("estimated_cost_usd").asDouble()).isEqualTo(0.045);
    assertThat(json.path("mode").asText()).isEqualTo("closed");
  }

  @Test
  void tokensWithoutASplitAreCountedButNotPriced() {
    Stats s = new Stats();
    s.ok(1_000_000, -1, -1, new BodyAnalyzer.Tokens(-1, -1, 3562), MINI);
    s.ok(1_000_000, -1, -1, BodyAnalyzer.Tokens.UNKNOWN, MINI);
    Stats.Totals totals = new Stats.Totals();
    totals.drain(s);
    Report r = Report.of(options("--url", "http://h"), totals, new Stats[] {s}, 1.0, "p");
    assertThat(r.tokensTotal()).isEqualTo(3562);
    assertThat(r.unpricedTokens()).isEqualTo(3562);
    assertThat(r.withUsage()).isEqualTo(1);
    assertThat(r.withoutUsage()).isEqualTo(1);
    assertThat(r.costUsd()).isZero();
    assertThat(r.table()).contains("3,562 tokens without an input/output split not priced");
  }

  @Test
  void noPriceMeansNoCost() {
    Stats s = new Stats();
    Stats.Totals totals = new Stats.Totals();
    totals.drain(s);
    Report r = Report.of(options("--url", "http://h"), totals, new Stats[] {s}, 1.0, null);
    assertThat(r.costUsd()).isNull();
    assertThat(r.latency()).isNull();
    assertThat(r.table()).contains("estimated cost        n/a");
  }

  @Test
  void tableColumnsLineUp() {
    Stats s = new Stats();
    s.ok(123_456_789, 23_456_789, 3_456_789, new BodyAnalyzer.Tokens(1, 2, 3), MINI);
    Stats.Totals totals = new Stats.Totals();
    totals.drain(s);
    Report r =
        Report.of(
            options("--url", "http://h", "--rate", "100", "--stream"),
            totals,
            new Stats[] {s},
            1.0,
            "p");
    List<String> lines = r.table().lines().toList();
    String header =
        lines.stream().filter(l -> l.startsWith("latency (ms)")).findFirst().orElseThrow();
    int p50End = header.indexOf("p50") + 3;
    List<String> rows =
        lines.stream()
            .filter(
                l ->
                    l.startsWith("  from scheduled start")
                        || l.startsWith("  time to first chunk")
                        || l.startsWith("  service (from send)"))
            .toList();
    assertThat(rows).hasSize(3);
    for (String row : rows) {
      assertThat(row.length()).isEqualTo(header.length());
      assertThat(row.charAt(p50End - 1)).isNotEqualTo(' ');
      assertThat(row.charAt(p50End)).isEqualTo(' ');
    }
    assertThat(r.table()).contains("open loop at 100 req/s, up to 512 connections");
  }

  @Test
  void pricesComeFromTheTableOrTheFlags() {
    assertThat(Prices.lookup("gpt-4o-mini-2024-07-18")).isEqualTo(new Prices.Price(0.15, 0.60));
    assertThat(Prices.lookup("gpt-4o-2024-08-06")).isEqualTo(new Prices.Price(2.50, 10.00));
    assertThat(Prices.lookup("my-own-model")).isNull();
    assertThat(Prices.resolve("my-own-model", 1.0, null)).isEqualTo(new Prices.Price(1.0, 0));
    assertThat(Prices.resolve("gpt-4o-mini", null, 9.0)).isEqualTo(new Prices.Price(0.15, 9.0));
  }
}
