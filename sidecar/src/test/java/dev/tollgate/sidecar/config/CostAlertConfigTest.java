package dev.tollgate.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.alerts.Receiver;
import dev.tollgate.sidecar.costs.Budget;
import dev.tollgate.sidecar.costs.CostSettings;
import dev.tollgate.sidecar.costs.Price;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The costs:, budgets: and receivers: sections and the issue-6 keys. */
class CostAlertConfigTest {
  @TempDir Path dir;

  private Config loadYaml(String yaml, String... extra) throws Exception {
    Path f = dir.resolve("sidecar.yaml");
    Files.writeString(f, yaml);
    String[] args = new String[extra.length + 2];
    args[0] = "--config";
    args[1] = f.toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    return ConfigLoader.load(args, Map.of()).config();
  }

  @Test
  void fullExample() throws Exception {
    Path prices = dir.resolve("prices.json");
    Files.writeString(prices, "{}");
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules: []");
    Config c =
        loadYaml(
            """
            prices: %s
            rules: %s
            eval-interval: 1s
            timezone: Asia/Shanghai
            external-url: https://tollgate.example.com
            costs:
              currencies: {RMB: 0.14, eur: 1.08}
              models:
                qwen-max: {input_per_million: 2.4, output_per_million: 9.6, currency: RMB}
                my-embedder: {input_cost_per_token: 1.0e-8, mode: embedding}
              endpoints:
                gateway:
                  multiplier: 0.8
                  models:
                    gpt-4o: {input_per_million: 2, output_per_million: 8}
                  default: {input_per_million: 0.5, output_per_million: 0.5}
              patterns:
                - {match: "ft:gpt-4o-mini:*", model: gpt-4o-mini}
                - match: "llama*"
                  price: {input_per_million: 0.1, output_per_million: 0.1}
              deployments:
                prod-4o: gpt-4o-2024-08-06
            budgets:
              - name: all
                limit: 5000
              - name: checkout-daily
                period: daily
                limit: 300
                currency: RMB
                scope: {service: checkout}
                alert_at: [50, 90]
            receivers:
              - name: ops
                type: webhook
                url: http://127.0.0.1:9999/hook
                headers: {Authorization: "Bearer abc"}
                timeout: 3s
              - name: slack
                type: slack
                url: https://hooks.slack.com/services/T000/B000/SECRET
                send_resolved: false
              - name: am
                type: alertmanager
                url: http://alertmanager:9093
                resend_interval: 30s
                max_attempts: 2
            """
                .formatted(prices, rules));
    assertThat(c.pricesFile()).isEqualTo(prices);
    assertThat(c.rulesFile()).isEqualTo(rules);
    assertThat(c.evalInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.timezone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(c.baseUrl(1234)).isEqualTo("https://tollgate.example.com");

    CostSettings costs = c.costs();
    assertThat(costs.currencies()).containsEntry("RMB", 0.14).containsEntry("EUR", 1.08);
    Price qwen = costs.models().get("qwen-max");
    assertThat(qwen.input()).isCloseTo(2.4e-6 * 0.14, within(1e-18));
    assertThat(qwen.output()).isCloseTo(9.6e-6 * 0.14, within(1e-18));
    assertThat(costs.models().get("my-embedder").isEmbedding()).isTrue();
    assertThat(costs.endpoints().get("gateway").multiplier()).isEqualTo(0.8);
    assertThat(costs.endpoints().get("gateway").fallback().input()).isCloseTo(5e-7, within(1e-18));
    assertThat(costs.patterns()).hasSize(2);
    assertThat(costs.patterns().get(0).regex().matcher("ft:gpt-4o-mini:acme::x1").matches())
        .isTrue();
    assertThat(costs.deployments()).containsEntry("prod-4o", "gpt-4o-2024-08-06");

    assertThat(c.budgets()).hasSize(2);
    Budget all = c.budgets().get(0);
    assertThat(all.period()).isEqualTo(Budget.Period.MONTHLY);
    assertThat(all.scope()).isEmpty();
    Budget daily = c.budgets().get(1);
    assertThat(daily.limitUsd()).isCloseTo(42, within(1e-9));
    assertThat(daily.scope()).containsEntry(Dimension.SERVICE, "checkout");
    assertThat(daily.alertAt()).containsExactly(50.0, 90.0);

    assertThat(c.receivers()).hasSize(3);
    assertThat(c.receivers().get(0)).isInstanceOf(Receiver.Webhook.class);
    assertThat(c.receivers().get(0).headers()).containsEntry("Authorization", "Bearer abc");
    assertThat(((Receiver.Slack) c.receivers().get(1)).sendResolved()).isFalse();
    Receiver.Alertmanager am = (Receiver.Alertmanager) c.receivers().get(2);
    assertThat(am.url().toString()).isEqualTo("http://alertmanager:9093/api/v2/alerts");
    assertThat(am.resendInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(am.delivery().maxAttempts()).isEqualTo(2);
    // Secrets stay out of the printed configuration.
    assertThat(c.toString()).doesNotContain("SECRET").doesNotContain("Bearer abc");
  }

  @Test
  void flagsForTheNewKeys() throws Exception {
    Path rules = dir.resolve("r.yaml");
    Files.writeString(rules, "rules: []");
    Config c =
        ConfigLoader.load(
                new String[] {"--rules", rules.toString(), "--eval-interval", "1s"}, Map.of())
            .config();
    assertThat(c.rulesFile()).isEqualTo(rules);
    assertThat(c.evalInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(Config.defaults().evalInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(ConfigLoader.usage())
        .contains("--prices FILE")
        .contains("--rules FILE")
        .contains("--eval-interval");
  }

  @Test
  void badSectionsSayWhere() {
    assertThatThrownBy(() -> loadYaml("costs:\n  models:\n    x: {input_per_million: 1}\n"))
        .hasMessageContaining("costs.models.x")
        .hasMessageContaining("output_per_million");
    assertThatThrownBy(
            () ->
                loadYaml(
                    "costs:\n"
                        + "  models:\n"
                        + "    x: {input_per_million: 1, output_per_million: 1, currency: JPY}\n"))
        .hasMessageContaining("JPY");
    assertThatThrownBy(() -> loadYaml("budgets:\n  - {name: a, limit: -5}\n"))
        .hasMessageContaining("budgets.a.limit");
    assertThatThrownBy(
            () -> loadYaml("budgets:\n  - {name: a, limit: 5, scope: {operation: chat}}\n"))
        .hasMessageContaining("scope");
    assertThatThrownBy(() -> loadYaml("receivers:\n  - {name: a, type: pager, url: http://x}\n"))
        .hasMessageContaining("receivers.a.type");
    assertThatThrownBy(
            () ->
                loadYaml("receivers:\n  - {name: a, type: webhook, url: 'ftp://secret-host/x'}\n"))
        .hasMessageContaining("http://");
    assertThatThrownBy(() -> loadYaml("rules: /no/such/file.yaml\n"))
        .hasMessageContaining("rules: cannot read");
    assertThatThrownBy(() -> loadYaml("timezone: Mars/Olympus\n")).hasMessageContaining("timezone");
    assertThatThrownBy(() -> loadYaml("eval-interval: 1ms\n"))
        .hasMessageContaining("eval-interval");
  }
}
