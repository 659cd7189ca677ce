package dev.tollgate.sidecar.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceMatchingTest {
  @TempDir Path dir;

  private final PriceBook bundled = PriceBook.bundled(CostSettings.NONE);

  private String key(String provider, String model) {
    PriceBook.Resolution r = bundled.resolve("", provider, model, "");
    return r.found() ? r.price().key() : null;
  }

  @Test
  void namesLoseDateAndVersionSuffixes() {
    assertThat(Names.base("gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
    assertThat(Names.base("claude-sonnet-4-5-20250929")).isEqualTo("claude-sonnet-4-5");
    assertThat(Names.base("claude-3-5-sonnet@20240620")).isEqualTo("claude-3-5-sonnet");
    assertThat(Names.base("us.anthropic.claude-3-5-sonnet-20241022-v2:0"))
        .isEqualTo("claude-3-5-sonnet");
    assertThat(Names.base("gpt-4-0613")).isEqualTo("gpt-4");
    assertThat(Names.base("gemini-2.0-flash-001")).isEqualTo("gemini-2.0-flash");
    assertThat(Names.base("mistral/mistral-large-latest")).isEqualTo("mistral-large");
    // Not suffixes: sizes, versions that are part of the name.
    assertThat(Names.base("gpt-3.5-turbo-16k")).isEqualTo("gpt-3.5-turbo-16k");
    assertThat(Names.base("deepseek-v3")).isEqualTo("deepseek-v3");
    assertThat(Names.base("llama3.1:8b")).isEqualTo("llama3.1:8b");
  }

  @Test
  void namesLoseProviderAndRegionPrefixes() {
    assertThat(Names.stripPrefix("openai/gpt-4o")).isEqualTo("gpt-4o");
    assertThat(Names.stripPrefix("azure/gpt-4o")).isEqualTo("gpt-4o");
    assertThat(Names.stripPrefix("models/gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
    assertThat(Names.stripPrefix("us.anthropic.claude-3-haiku-20240307-v1:0"))
        .isEqualTo("claude-3-haiku-20240307-v1:0");
    assertThat(Names.stripPrefix("anthropic.claude-3-haiku-20240307-v1:0"))
        .isEqualTo("claude-3-haiku-20240307-v1:0");
  }

  @Test
  void exactThenProviderPrefixThenNormalized() {
    assertThat(key("openai", "gpt-4o")).isEqualTo("gpt-4o");
    assertThat(key("openai", "GPT-4o")).isEqualTo("gpt-4o");
    assertThat(key("openai", "gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
    assertThat(key("openai-compatible", "openai/gpt-4o-mini")).isEqualTo("gpt-4o-mini");
    assertThat(key("azure.ai.openai", "azure/gpt-4.1")).isEqualTo("gpt-4.1");
    assertThat(key("gcp.gemini", "gemini-2.5-flash")).isEqualTo("gemini/gemini-2.5-flash");
    assertThat(key("gcp.gemini", "models/gemini-2.5-flash-lite"))
        .isEqualTo("gemini/gemini-2.5-flash-lite");
    assertThat(key("deepseek", "deepseek-chat")).isEqualTo("deepseek/deepseek-chat");
    assertThat(key("anthropic", "claude-haiku-4-5-20251001")).isEqualTo("claude-haiku-4-5");
    assertThat(key("anthropic", "claude-3-haiku-20240307")).isEqualTo("claude-3-haiku-20240307");
    assertThat(key("aws.bedrock", "anthropic.claude-3-haiku-20240307-v1:0"))
        .isEqualTo("claude-3-haiku-20240307");
  }

  @Test
  void selfHostedProvidersDoNotBorrowAnotherProvidersPrice() {
    // Same base as a table entry, but served by vLLM/Ollama: not billed at Mistral's rates.
    assertThat(key("openai-compatible", "mistralai/mistral-small-2503")).isNull();
    assertThat(key("ollama", "mistral-small-latest")).isNull();
    // The same name at Mistral itself is priced.
    assertThat(key("mistral_ai", "mistral-small-2503")).isEqualTo("mistral/mistral-small-latest");
  }

  @Test
  void nothingMatchesAnUnknownModel() {
    assertThat(key("openai", "gpt-9")).isNull();
    assertThat(key("", "")).isNull();
  }

  @Test
  void configPatternsComeLastAndMayPointAtAModel() {
    CostSettings s =
        new CostSettings(
            Map.of(),
            Map.of(),
            List.of(
                new CostSettings.PricePattern(
                    "ft:gpt-4o-mini:*", Pattern.compile("ft:gpt-4o-mini:.*"), null, "gpt-4o-mini"),
                new CostSettings.PricePattern(
                    "*", Pattern.compile(".*"), GoldenCostTest.perMillion("*", 9, 9), null)),
            Map.of(),
            Map.of());
    PriceBook book = PriceBook.bundled(s);
    PriceBook.Resolution ft = book.resolve("", "openai", "ft:gpt-4o-mini:acme::abc123", "");
    assertThat(ft.how()).isEqualTo("pattern");
    assertThat(ft.price().key()).isEqualTo("gpt-4o-mini");
    // Patterns never shadow a table match.
    assertThat(book.resolve("", "openai", "gpt-4o", "").how()).isEqualTo("exact");
    assertThat(book.resolve("", "ollama", "llama3", "").price().input())
        .isCloseTo(9e-6, within(1e-15));
  }

  @Test
  void configModelsOverrideTheTable() {
    CostSettings s =
        new CostSettings(
            Map.of("gpt-4o", GoldenCostTest.perMillion("gpt-4o", 1, 2)),
            Map.of(),
            List.of(),
            Map.of(),
            Map.of());
    PriceBook.Resolution r =
        PriceBook.bundled(s).resolve("", "openai", "gpt-4o", "gpt-4o-2024-08-06");
    assertThat(r.how()).isEqualTo("config");
    assertThat(r.price().output()).isCloseTo(2e-6, within(1e-15));
  }

  @Test
  void theBundledTableHasItsDateAndTheFiveProviders() {
    assertThat(bundled.asOf()).isEqualTo("2026-07-24");
    assertThat(bundled.source()).isEqualTo("bundled");
    for (String[] pm :
        new String[][] {
          {"openai", "gpt-4o"},
          {"openai", "text-embedding-3-small"},
          {"anthropic", "claude-opus-4-5"},
          {"gcp.gemini", "gemini-2.5-pro"},
          {"gcp.gemini", "gemini-embedding-001"},
          {"deepseek", "deepseek-reasoner"},
          {"mistral_ai", "mistral-medium-latest"},
          {"mistral_ai", "mistral-embed"}
        }) {
      assertThat(key(pm[0], pm[1])).as(pm[1]).isNotNull();
    }
  }

  @Test
  void aPublishedLiteLlmFileIsReadAsIs() throws IOException {
    String json =
        """
        {
          "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0,
                          "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
                          "supported_regions": ["global"], "supports_vision": true},
          "last_updated": "2026-11-01",
          "gpt-4o": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.2e-05,
                     "cache_read_input_token_cost": 1.5e-06, "litellm_provider": "openai",
                     "mode": "chat", "supports_function_calling": true,
                     "search_context_cost_per_query": {"search_context_size_low": 0.03},
                     "tiered_pricing": [{"range": [0, 128000], "input_cost_per_token": 1e-06}],
                     "some_future_field": {"nested": [1, 2, {"x": null}]}},
          "brand-new-model": {"input_cost_per_token": "1e-06", "output_cost_per_token": 2e-06,
                              "litellm_provider": "newco", "mode": "chat"},
          "dall-e-3": {"output_cost_per_image": 0.04, "litellm_provider": "openai", "mode": "image_generation"},
          "tts-1": {"input_cost_per_character": 1.5e-05, "litellm_provider": "openai", "mode": "audio_speech"}
        }
        """;
    PriceTable.Parsed p =
        PriceTable.parseLiteLlm(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "file");
    assertThat(p.asOf()).isEqualTo("2026-11-01");
    assertThat(p.entries()).containsOnlyKeys("gpt-4o", "brand-new-model");
    assertThat(p.skipped()).isEqualTo(2);
    assertThat(p.entries().get("brand-new-model").input()).isEqualTo(1e-6);

    Path file = dir.resolve("model_prices_and_context_window.json");
    Files.writeString(file, json);
    PriceBook book = PriceBook.load(file, CostSettings.NONE);
    // The file's entries take precedence over the bundled ones; the others remain.
    assertThat(book.resolve("", "openai", "gpt-4o", "").price().input()).isEqualTo(3e-6);
    assertThat(book.resolve("", "newco", "brand-new-model", "").found()).isTrue();
    assertThat(book.resolve("", "anthropic", "claude-opus-4-5", "").price().source())
        .isEqualTo("bundled");
    assertThat(book.asOf()).isEqualTo("2026-11-01");
  }

  @Test
  void aBrokenPriceFileIsRefusedWithItsLine() throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n  \"gpt-4o\": {\"input_cost_per_token\": 1e-06,,}\n}");
    assertThatThrownBy(() -> PriceBook.load(file, CostSettings.NONE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void aFullSizeTableParsesInOnePass() throws IOException {
    // ~3,000 entries with the published file's shape: every field is skipped or read once.
    StringBuilder sb = new StringBuilder("{\"sample_spec\": {\"input_cost_per_token\": 0},\n");
    for (int i = 0; i < 3000; i++) {
      sb.append("\"provider")
          .append(i % 120)
          .append("/model-")
          .append(i)
          .append("\": {")
          .append("\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06,")
          .append("\"cache_read_input_token_cost\": 1e-07, \"max_tokens\": 8192,")
          .append("\"litellm_provider\": \"provider")
          .append(i % 120)
          .append("\", \"mode\": \"chat\",")
          .append("\"supports_vision\": true, \"supported_endpoints\": [\"/v1/chat/completions\"],")
          .append("\"input_cost_per_token_above_200k_tokens\": 2e-06},\n");
    }
    sb.append("\"last\": {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 1e-06}}");
    PriceTable.Parsed p =
        PriceTable.parseLiteLlm(
            new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), "file");
    assertThat(p.entries()).hasSize(3001);
    assertThat(p.entries().get("provider5/model-5").tiers()).hasSize(1);
    assertThat(p.entries().get("provider5/model-5").tiers().get(0).aboveTokens())
        .isEqualTo(200_000);
  }
}
