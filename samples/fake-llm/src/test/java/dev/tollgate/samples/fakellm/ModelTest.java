package dev.tollgate.samples.fakellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The pure parts: saturation, fault spreading, outage windows, timing, token math, knobs. */
class ModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void saturationIsFlatUpToTheKneeThenAPowerOfTheOverload() {
    assertThat(Saturation.multiplier(1, 64, 1.0)).isEqualTo(1.0);
    assertThat(Saturation.multiplier(64, 64, 1.0)).isEqualTo(1.0);
    assertThat(Saturation.multiplier(128, 64, 1.0)).isEqualTo(2.0);
    assertThat(Saturation.multiplier(96, 64, 1.0)).isEqualTo(1.5);
    assertThat(Saturation.multiplier(128, 64, 2.0)).isEqualTo(4.0);
    assertThat(Saturation.multiplier(256, 64, 0.5)).isEqualTo(2.0);
    assertThat(Saturation.multiplier(10_000, 0, 2.0)).as("knee 0 disables").isEqualTo(1.0);
  }

  @Test
  void timingFollowsTheDocumentedFormulaOnAFixedRandomSource() {
    Knobs k =
        Knobs.defaults()
            .with("latencyMs", "100")
            .with("ttftMs", "200")
            .with("jitterMs", "0")
            .with("perTokenMs", "10")
            .with("knee", "10")
            .with("saturationExponent", "1");
    RandomGenerator never = () -> 0L;
    Timing calm = Timing.of(k, 5, never);
    assertThat(calm.prefillMs()).isEqualTo(300);
    assertThat(calm.perTokenMs()).isEqualTo(10);
    Usage u = new Usage(10, 20, 0, 4, false);
    assertThat(calm.blockingMs(u)).isEqualTo(300 + 20 * 10);
    assertThat(calm.firstTokenMs(u)).as("hidden reasoning comes first").isEqualTo(300 + 4 * 10);
    Timing busy = Timing.of(k, 30, never); // 3x past the knee
    assertThat(busy.multiplier()).isEqualTo(3.0);
    assertThat(busy.prefillMs()).isEqualTo(900);
    assertThat(busy.perTokenMs()).isEqualTo(30);
  }

  @Test
  void jitterIsExponentialWithTheConfiguredMeanAndCapped() {
    Knobs k = Knobs.defaults().zeroLatency().with("jitterMs", "50");
    // nextDouble() = 1 - e^-1 gives exactly the mean.
    RandomGenerator mean = new FixedDouble(1 - Math.exp(-1));
    assertThat(Timing.of(k, 1, mean).prefillMs()).isEqualTo(50);
    RandomGenerator extreme = new FixedDouble(1 - 1e-300);
    assertThat(Timing.of(k, 1, extreme).prefillMs()).isEqualTo(1000); // capped at 20x
  }

  private record FixedDouble(double d) implements RandomGenerator {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public double nextDouble() {
      return d;
    }
  }

  @Test
  void ratesFailExactlyTheirShareOfRequestsSpreadEvenly() {
    int n = 1000;
    int fired = 0;
    for (int i = 1; i <= n; i++) {
      if (Faults.fires(i, 0.1)) {
        fired++;
        assertThat(i % 10).isZero();
      }
    }
    assertThat(fired).isEqualTo(100);
    int quarter = 0;
    for (int i = 1; i <= 300; i++) {
      quarter += Faults.fires(i, 0.25) ? 1 : 0;
    }
    assertThat(quarter).isEqualTo(75);
    assertThat(Faults.fires(1, 0)).isFalse();
    assertThat(Faults.fires(1, 1)).isTrue();
  }

  @Test
  void outagesWinOverRateLimitsWhichWinOverServerErrors() {
    Knobs k = Knobs.defaults().with("rate429", "1").with("errorRate", "1");
    assertThat(Faults.decide(k, 1, 0)).isEqualTo(Faults.Verdict.RATE_LIMITED);
    assertThat(Faults.decide(k.with("rate429", "0"), 1, 0)).isEqualTo(Faults.Verdict.SERVER_ERROR);
    assertThat(Faults.decide(k.with("outage", "true"), 1, 0)).isEqualTo(Faults.Verdict.OUTAGE);
    assertThat(Faults.decide(Knobs.defaults(), 1, 0)).isEqualTo(Faults.Verdict.PASS);
  }

  @Test
  void outageWindowsAreHalfOpenIntervalsInSecondsSinceStart() {
    Knobs k = Knobs.defaults().with("outageWindows", "30-45, 60s-61.5s");
    assertThat(k.inOutage(29_999)).isFalse();
    assertThat(k.inOutage(30_000)).isTrue();
    assertThat(k.inOutage(44_999)).isTrue();
    assertThat(k.inOutage(45_000)).isFalse();
    assertThat(k.inOutage(61_499)).isTrue();
    assertThat(k.inOutage(61_500)).isFalse();
    assertThat(Faults.decide(k, 1, 31_000)).isEqualTo(Faults.Verdict.OUTAGE);
    assertThatThrownBy(() -> Knobs.OutageWindow.parse("45-30"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void adminJsonMergesKnobsAndAddsAWindowStartingNow() throws Exception {
    Knobs k =
        Knobs.defaults()
            .merge(
                JSON.readTree("{\"rate429\":0.5,\"outageMode\":\"reset\",\"outageForSeconds\":10}"),
                20_000);
    assertThat(k.rate429()).isEqualTo(0.5);
    assertThat(k.outageMode()).isEqualTo(Knobs.OutageMode.RESET);
    assertThat(k.outageWindows()).containsExactly(new Knobs.OutageWindow(20, 30));
    assertThat(k.inOutage(29_000)).isTrue();
    Knobs again = k.merge(JSON.readTree("{\"outageWindows\":[],\"zeroLatency\":true}"), 0);
    assertThat(again.outageWindows()).isEmpty();
    assertThat(again.latencyMs() + again.ttftMs() + again.jitterMs() + again.perTokenMs()).isZero();
    assertThatThrownBy(() -> k.merge(JSON.readTree("{\"nope\":1}"), 0))
        .hasMessageContaining("unknown knob");
    assertThatThrownBy(() -> k.merge(JSON.readTree("{\"rate429\":2}"), 0))
        .hasMessageContaining("rate429");
  }

  @Test
  void flagsOverrideEnvironmentWhichOverridesDefaults() {
    FakeLlmMain.Config c =
        FakeLlmMain.Config.parse(
            new String[] {
              "--port", "0", "--knee=8", "--rate-429", "0.25", "--outage-windows", "1-2"
            },
            Map.of("FAKE_LLM_KNEE", "4", "FAKE_LLM_OUTPUT_TOKENS", "7", "FAKE_LLM_THREADS", "9"));
    assertThat(c.knobs.knee()).isEqualTo(8);
    assertThat(c.knobs.outputTokens()).isEqualTo(7);
    assertThat(c.knobs.rate429()).isEqualTo(0.25);
    assertThat(c.threads).isEqualTo(9);
    assertThat(c.knobs.outageWindows()).hasSize(1);
    assertThat(Knobs.flagName("retryAfterSeconds")).isEqualTo("--retry-after-seconds");
    assertThat(Knobs.envName("retryAfterSeconds")).isEqualTo("FAKE_LLM_RETRY_AFTER_SECONDS");
    assertThat(Knobs.flagName("rate429")).isEqualTo("--rate-429");
    assertThat(Knobs.envName("rate429")).isEqualTo("FAKE_LLM_RATE_429");
    assertThat(Knobs.forFlag("--rate429")).isEqualTo("rate429");
    assertThatThrownBy(() -> FakeLlmMain.Config.parse(new String[] {"--bogus", "1"}, Map.of()))
        .hasMessageContaining("unknown flag");
  }

  @Test
  void tokenCountsFollowFromThePromptAndTheKnobs() throws Exception {
    Ask ask =
        Ask.openAiChat(
            JSON.readTree(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"text\",\"text\":\"0123456789\"}]},{\"role\":\"system\",\"content\":\"abc\"}]}"));
    assertThat(ask.promptChars()).isEqualTo(13);
    Knobs k = Knobs.defaults().with("cacheFraction", "0.5").with("reasoningFraction", "0.3");
    Usage u = Usage.of(k, ask);
    assertThat(u.prompt()).isEqualTo(4); // ceil(13 / 4)
    assertThat(u.completion()).isEqualTo(10); // capped by max_tokens
    assertThat(u.truncated()).isTrue();
    assertThat(u.cached()).isEqualTo(2);
    assertThat(u.reasoning()).isEqualTo(3);
    assertThat(u.visible()).isEqualTo(7);
    assertThat(Text.answer(3)).isEqualTo("The fake model");
    assertThat(List.of(Usage.of(k, Ask.openAiChat(JSON.readTree("{}"))).prompt()))
        .containsExactly(1);
  }

  @Test
  void theTreelessChatParserAgreesWithTheTreeOne() throws Exception {
    String[] bodies = {
      "{}",
      "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":[1]},\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"caf\u00e9"
          + " \\\"q\\\"\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\ud83d\ude00"
          + " hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]},"
          + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t\"}]}]}",
      "{\"max_completion_tokens\":7,\"max_tokens\":9,\"stream\":false,\"messages\":[{\"content\":[1,2,3]}],"
          + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}",
      "{\"max_tokens\":0,\"model\":null,\"stream_options\":null}"
    };
    for (String b : bodies) {
      Ask tree = Ask.openAiChat(JSON.readTree(b));
      Ask fast = Ask.openAiChat(b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(fast.model()).as(b).isEqualTo(tree.model());
      assertThat(fast.promptChars()).as(b).isEqualTo(tree.promptChars());
      assertThat(fast.stream()).as(b).isEqualTo(tree.stream());
      assertThat(fast.includeUsage()).as(b).isEqualTo(tree.includeUsage());
      assertThat(fast.maxTokens()).as(b).isEqualTo(tree.maxTokens());
    }
    assertThatThrownBy(
            () -> Ask.openAiChat("[1]".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(java.io.IOException.class);
  }
}
