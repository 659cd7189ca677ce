package dev.tollgate.sidecar.costs;

import static dev.tollgate.sidecar.testing.Calls.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.sidecar.costs.CallCost.Basis;
import dev.tollgate.sidecar.costs.CallCost.Unpriced;
import dev.tollgate.sidecar.testing.Calls;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Golden costs for every provider format the agent recognises, with the agent's token semantics
 * (input includes cache reads and writes, output includes reasoning). Expected figures are worked
 * out by hand from the bundled table (as of 2026-07-24) in the comments.
 */
class GoldenCostTest {
  private static final double EPS = 1e-12;

  static Price perMillion(String key, double in, double out) {
    return new Price(
        key,
        "",
        "chat",
        in * 1e-6,
        out * 1e-6,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        List.of(),
        "config");
  }

  private static final CostSettings SETTINGS =
      new CostSettings(
          Map.of(
              "thinker",
              new Price(
                  "thinker",
                  "",
                  "chat",
                  1e-6,
                  1e-6,
                  Double.NaN,
                  Double.NaN,
                  3e-6,
                  List.of(),
                  "config")),
          Map.of(
              "local-ollama",
              new CostSettings.EndpointPrices(1.0, Map.of(), perMillion("*", 0.1, 0.2)),
              "gateway",
              new CostSettings.EndpointPrices(
                  0.8, Map.of("gpt-4o", perMillion("gpt-4o", 2.0, 8.0)), null)),
          List.of(
              new CostSettings.PricePattern(
                  "meta-llama/*",
                  Pattern.compile("meta-llama/.*", Pattern.CASE_INSENSITIVE),
                  perMillion("meta-llama/*", 0.5, 0.5),
                  null)),
          Map.of("prod-4o-mini", "gpt-4o-mini"),
          Map.of("RMB", 0.14));

  private final CostCalculator calc = new CostCalculator(PriceBook.bundled(SETTINGS));

  private CallCost cost(Calls c) {
    return calc.cost(c.build());
  }

  private static void assertEstimated(CallCost c, double usd) {
    assertThat(c.basis()).isEqualTo(Basis.ESTIMATED);
    assertThat(c.costUsd()).isCloseTo(usd, within(EPS));
    assertThat(c.estimatedUsd()).isCloseTo(usd, within(EPS));
    assertThat(c.reportedUsd()).isNaN();
  }

  @Nested
  class OpenAi {
    @Test
    void blockingWithCachedTokens() {
      // gpt-4o: input 2.50, cached 1.25, output 10.00 per 1M.
      // 600 fresh x 2.5e-6 + 400 cached x 1.25e-6 + 500 x 1e-5 = 0.0015 + 0.0005 + 0.005
      assertEstimated(
          cost(call("openai", "gpt-4o").tokens(1000, 500).cacheRead(400).stream(false)), 0.007);
    }

    @Test
    void streamingIsPricedLikeBlocking() {
      CallCost blocking =
          cost(call("openai", "gpt-4o").tokens(1000, 500).cacheRead(400).stream(false));
      CallCost streamed =
          cost(call("openai", "gpt-4o").tokens(1000, 500).cacheRead(400).stream(true).ttft(0.4));
      assertThat(streamed).isEqualTo(blocking);
    }

    @Test
    void reasoningIsPricedAsOutputWhenNotSeparate() {
      // o4-mini: input 1.10, cached 0.275, output 4.40 per 1M; no reasoning rate.
      // 976 x 1.1e-6 + 1024 x 2.75e-7 + 3000 x 4.4e-6 = 0.0010736 + 0.0002816 + 0.0132
      assertEstimated(
          cost(call("openai", "o4-mini").tokens(2000, 3000).cacheRead(1024).reasoning(2500)),
          0.0145552);
    }

    @Test
    void theDatedSnapshotInTheResponseIsPriced() {
      // gpt-4.1-mini-2025-04-14 -> gpt-4.1-mini: 0.40 in, 1.60 out.
      assertEstimated(
          cost(
              call("openai", "gpt-4.1-mini")
                  .responseModel("gpt-4.1-mini-2025-04-14")
                  .tokens(1_000_000, 100_000)),
          0.4 + 0.16);
    }

    @Test
    void aStreamWithoutUsageIsUnpricedNotZero() {
      CallCost c = cost(call("openai", "gpt-4o").stream(true).unmetered());
      assertThat(c.basis()).isEqualTo(Basis.UNPRICED);
      assertThat(c.unpriced()).isEqualTo(Unpriced.UNKNOWN_USAGE);
      assertThat(c.costUsd()).isNaN();
    }

    @Test
    void embeddingsHaveNoOutput() {
      // text-embedding-3-small: 0.02 per 1M input.
      assertEstimated(
          cost(call("openai", "text-embedding-3-small").operation("embeddings").input(12345)),
          12345 * 2e-8);
      // text-embedding-3-large: 0.13 per 1M.
      assertEstimated(
          cost(call("openai", "text-embedding-3-large").operation("embeddings").input(1000)),
          1.3e-4);
    }

    @Test
    void contextTiersApplyAboveTheirThreshold() {
      // gpt-5.4: 2.50/15.00 per 1M, 5.00/22.50 above 272k input tokens.
      assertEstimated(cost(call("openai", "gpt-5.4").tokens(272_000, 1000)), 0.68 + 0.015);
      assertEstimated(
          cost(call("openai", "gpt-5.4").tokens(272_001, 1000)), 272_001 * 5e-6 + 0.0225);
    }
  }

  @Nested
  class Azure {
    @Test
    void aDeploymentIsMappedToItsModel() {
      // costs.deployments: prod-4o-mini -> gpt-4o-mini (0.15 in, 0.60 out).
      assertEstimated(
          cost(call("azure.ai.openai", "prod-4o-mini").tokens(10_000, 1000)), 0.0015 + 0.0006);
    }

    @Test
    void anUnmappedDeploymentUsesTheResponseModel() {
      assertEstimated(
          cost(
              call("azure.ai.openai", "my-deployment")
                  .responseModel("gpt-4o-mini-2024-07-18")
                  .tokens(10_000, 1000)),
          0.0021);
    }

    @Test
    void anUnmappedDeploymentWithoutResponseModelIsUnpriced() {
      CallCost c = cost(call("azure.ai.openai", "my-deployment").tokens(10_000, 1000));
      assertThat(c.basis()).isEqualTo(Basis.UNPRICED);
      assertThat(c.unpriced()).isEqualTo(Unpriced.NO_PRICE);
    }
  }

  @Nested
  class DeepSeek {
    @Test
    void cacheHitsArePricedAtTheCacheRate() {
      // deepseek/deepseek-chat: 0.28 miss, 0.028 hit, 0.42 out per 1M.
      // 1000 x 2.8e-7 + 4000 x 2.8e-8 + 800 x 4.2e-7 = 0.00028 + 0.000112 + 0.000336
      assertEstimated(
          cost(call("deepseek", "deepseek-chat").tokens(5000, 800).cacheRead(4000)), 0.000728);
    }

    @Test
    void reasonerReasoningIsOutput() {
      // deepseek-reasoner: same rates; 2000 output of which 1500 reasoning, all at 0.42.
      assertEstimated(
          cost(call("deepseek", "deepseek-reasoner").tokens(1000, 2000).reasoning(1500)),
          1000 * 2.8e-7 + 2000 * 4.2e-7);
    }
  }

  @Nested
  class Anthropic {
    @Test
    void cacheReadsAndWritesAtTheirOwnRates() {
      // Anthropic usage: input_tokens 100, cache_read 2000, cache_creation 500; the agent reports
      // input = 2600. claude-sonnet-4-5: 3.00 in, 0.30 read, 3.75 write, 15.00 out per 1M.
      // 100 x 3e-6 + 2000 x 3e-7 + 500 x 3.75e-6 + 300 x 1.5e-5 = 0.0003+0.0006+0.001875+0.0045
      assertEstimated(
          cost(
              call("anthropic", "claude-sonnet-4-5-20250929")
                  .tokens(2600, 300)
                  .cacheRead(2000)
                  .cacheWrite(500)),
          0.007275);
    }

    @Test
    void rawAnthropicSemanticsFromAnotherInstrumentationAreNotBilledTwice() {
      // input 100 without the cache counts: the cache counts exceed it, so input is all fresh.
      assertEstimated(
          cost(
              call("anthropic", "claude-sonnet-4-5")
                  .tokens(100, 300)
                  .cacheRead(2000)
                  .cacheWrite(500)),
          0.007275);
    }

    @Test
    void longContextTier() {
      // claude-sonnet-4-5 above 200k input: 6.00 in, 22.50 out per 1M.
      assertEstimated(
          cost(call("anthropic", "claude-sonnet-4-5").tokens(250_000, 1000)), 1.5 + 0.0225);
    }

    @Test
    void bedrockAndVertexNamesFindTheModel() {
      // us.anthropic.claude-3-5-sonnet-20241022-v2:0 and claude-3-5-sonnet@20241022: 3.00/15.00.
      assertEstimated(
          cost(
              call("aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0")
                  .tokens(1000, 1000)),
          0.003 + 0.015);
      assertEstimated(
          cost(call("anthropic", "claude-3-5-sonnet@20241022").tokens(1000, 1000)), 0.003 + 0.015);
    }
  }

  @Nested
  class Gemini {
    @Test
    void thoughtsAndCachedTokens() {
      // Gemini usage: promptTokenCount 10000 (cachedContentTokenCount 6000), candidates 500,
      // thoughts 1500: the agent reports output 2000 with reasoning 1500.
      // gemini/gemini-2.5-flash: 0.30 in, 0.03 cached, 2.50 out, 2.50 reasoning per 1M.
      // 4000 x 3e-7 + 6000 x 3e-8 + 500 x 2.5e-6 + 1500 x 2.5e-6 = 0.0012+0.00018+0.005
      assertEstimated(
          cost(
              call("gcp.gemini", "gemini-2.5-flash")
                  .tokens(10_000, 2000)
                  .cacheRead(6000)
                  .reasoning(1500)),
          0.00638);
    }

    @Test
    void aSeparateReasoningRateIsUsed() {
      // costs.models.thinker: 1.00 in, 1.00 out, 3.00 reasoning per 1M.
      assertEstimated(
          cost(call("openai-compatible", "thinker").tokens(1000, 1000).reasoning(600)),
          0.001 + 400 * 1e-6 + 600 * 3e-6);
    }

    @Test
    void modelsPrefixAndProTier() {
      // gemini-2.5-pro: 1.25/10.00, 2.50/15.00 above 200k.
      assertEstimated(
          cost(call("gcp.gemini", "models/gemini-2.5-pro").tokens(1000, 1000)), 0.00125 + 0.01);
      assertEstimated(
          cost(call("gcp.gemini", "gemini-2.5-pro").tokens(300_000, 1000)), 0.75 + 0.015);
    }

    @Test
    void embeddings() {
      // gemini/gemini-embedding-001: 0.15 per 1M.
      assertEstimated(
          cost(call("gcp.gemini", "gemini-embedding-001").operation("embeddings").input(2000)),
          3e-4);
    }
  }

  @Nested
  class Mistral {
    @Test
    void latestAliasAndDatedNames() {
      // mistral/mistral-large-latest: 0.50/1.50 per 1M; mistral-large-2411 strips to the same base.
      assertEstimated(
          cost(call("mistral_ai", "mistral-large-latest").tokens(1000, 1000)), 0.0005 + 0.0015);
      assertEstimated(cost(call("mistral_ai", "mistral-large-2411").tokens(1000, 1000)), 0.002);
      // mistral/mistral-embed: 0.10 per 1M.
      assertEstimated(
          cost(call("mistral_ai", "mistral-embed").operation("embeddings").input(1000)), 1e-4);
    }
  }

  @Nested
  class SelfHosted {
    @Test
    void ollamaIsUnpricedUnlessConfigured() {
      CallCost c = cost(call("ollama", "llama3.1:8b").tokens(500, 100));
      assertThat(c.basis()).isEqualTo(Basis.UNPRICED);
      assertThat(c.unpriced()).isEqualTo(Unpriced.NO_PRICE);
      // costs.endpoints.local-ollama.default: 0.10/0.20 per 1M.
      assertEstimated(
          cost(call("ollama", "llama3.1:8b").endpoint("local-ollama").tokens(500, 100)),
          5e-5 + 2e-5);
    }

    @Test
    void vllmIsPricedByAConfigPattern() {
      assertEstimated(
          cost(call("openai-compatible", "meta-llama/Llama-3.3-70B-Instruct").tokens(1000, 1000)),
          0.001);
      CallCost c = cost(call("openai-compatible", "Qwen/Qwen2.5-72B-Instruct").tokens(1000, 1000));
      assertThat(c.unpriced()).isEqualTo(Unpriced.NO_PRICE);
    }

    @Test
    void aGatewayEndpointHasNegotiatedPricesAndAMultiplier() {
      // costs.endpoints.gateway.models.gpt-4o: 2.00/8.00 per 1M, used as given.
      assertEstimated(
          cost(call("openai", "gpt-4o").endpoint("gateway").tokens(1000, 1000)), 0.002 + 0.008);
      // Other models through the gateway: table price x 0.8 (gpt-4o-mini 0.15/0.60).
      assertEstimated(
          cost(call("openai", "gpt-4o-mini").endpoint("gateway").tokens(1_000_000, 0)), 0.15 * 0.8);
    }
  }

  @Nested
  class Dify {
    @Test
    void reportedUsdPriceIsTheCost() {
      CallCost c = cost(call("dify", null).difyApp("support-bot").difyPrice("0.0123", "USD"));
      assertThat(c.basis()).isEqualTo(Basis.REPORTED);
      assertThat(c.costUsd()).isCloseTo(0.0123, within(EPS));
      assertThat(c.estimatedUsd()).isNaN();
      assertThat(c.hasDrift()).isFalse();
    }

    @Test
    void reportedRmbPriceIsConvertedWithTheExchangeRate() {
      // costs.currencies.RMB: 0.14 USD per RMB.
      CallCost c = cost(call("dify", null).difyPrice("0.50", "RMB"));
      assertThat(c.costUsd()).isCloseTo(0.07, within(EPS));
      CallCost cny = cost(call("dify", null).difyPrice("0.50", "CNY"));
      assertThat(cny.costUsd()).isCloseTo(0.07, within(EPS));
    }

    @Test
    void theEstimateIsKeptBesideTheReportedPriceForDrift() {
      // gpt-4o-mini: 1000 x 1.5e-7 + 200 x 6e-7 = 0.00027 estimated; Dify says 0.0005.
      CallCost c =
          cost(
              call("dify", "gpt-4o-mini")
                  .difyApp("bot")
                  .tokens(1000, 200)
                  .difyPrice("0.0005", "USD"));
      assertThat(c.basis()).isEqualTo(Basis.REPORTED);
      assertThat(c.costUsd()).isCloseTo(0.0005, within(EPS));
      assertThat(c.estimatedUsd()).isCloseTo(0.00027, within(EPS));
      assertThat(c.hasDrift()).isTrue();
      assertThat(c.reportedUsd() - c.estimatedUsd()).isCloseTo(0.00023, within(EPS));
    }

    @Test
    void aCurrencyWithoutARateFallsBackToTheEstimateOrIsUnpriced() {
      CostCalculator noRates = new CostCalculator(PriceBook.bundled(CostSettings.NONE));
      CallCost unpriced = noRates.cost(call("dify", null).difyPrice("1.00", "RMB").build());
      assertThat(unpriced.basis()).isEqualTo(Basis.UNPRICED);
      assertThat(unpriced.unpriced()).isEqualTo(Unpriced.NO_EXCHANGE_RATE);
      CallCost estimated =
          noRates.cost(
              call("dify", "gpt-4o-mini").tokens(1000, 200).difyPrice("1.00", "RMB").build());
      assertEstimated(estimated, 0.00027);
    }

    @Test
    void aZeroPriceIsNotTakenAsFree() {
      // Dify reports 0 for models it has no price for.
      CallCost c = cost(call("dify", null).difyPrice("0.0000000", "USD"));
      assertThat(c.basis()).isEqualTo(Basis.UNPRICED);
    }
  }

  @Nested
  class Outcomes {
    @Test
    void anHttpErrorWithoutUsageIsNotBilled() {
      CallCost c = cost(call("openai", "gpt-4o").error("429"));
      assertThat(c.basis()).isEqualTo(Basis.NOT_BILLED);
      assertThat(c.costUsd()).isZero();
      assertThat(cost(call("unknown", "no-such-model").error("connect_error")).basis())
          .isEqualTo(Basis.NOT_BILLED);
    }

    @Test
    void aTimeoutOrCutStreamWithoutUsageIsUnpriced() {
      assertThat(cost(call("openai", "gpt-4o").error("timeout")).unpriced())
          .isEqualTo(Unpriced.UNKNOWN_USAGE);
      assertThat(cost(call("openai", "gpt-4o").error("stream_truncated")).basis())
          .isEqualTo(Basis.UNPRICED);
    }

    @Test
    void aCutStreamWithUsageIsPriced() {
      assertEstimated(
          cost(call("openai", "gpt-4o").error("stream_truncated").tokens(1000, 100)),
          0.0025 + 0.001);
    }

    @Test
    void aRejectedCallWasNeverSent() {
      assertThat(cost(call("openai", "gpt-4o").rejectedBy("concurrency")).basis())
          .isEqualTo(Basis.NOT_SENT);
    }

    @Test
    void anUnknownModelIsUnpriced() {
      CallCost c = cost(call("openai", "gpt-9-turbo").tokens(10, 10));
      assertThat(c.basis()).isEqualTo(Basis.UNPRICED);
      assertThat(c.unpriced()).isEqualTo(Unpriced.NO_PRICE);
      assertThat(cost(call("openai", null).tokens(10, 10)).unpriced()).isEqualTo(Unpriced.NO_PRICE);
    }

    @Test
    void missingCacheCountsMeanAllInputIsFresh() {
      assertEstimated(cost(call("openai", "gpt-4o").tokens(1000, 0)), 0.0025);
    }
  }
}
