package dev.tollgate.sidecar.costs;

import java.util.List;

/**
 * One model's prices in USD per token, as in LiteLLM's {@code
 * model_prices_and_context_window.json}. A rate that the table does not give is NaN (never 0: an
 * absent cache rate falls back to the input rate, an absent reasoning rate to the output rate).
 *
 * @param key the table key, or the config key the price came from
 * @param provider LiteLLM's {@code litellm_provider}; "" when not given
 * @param mode LiteLLM's {@code mode} ({@code chat}, {@code embedding}, ...); "" when not given
 * @param input {@code input_cost_per_token}
 * @param output {@code output_cost_per_token}; NaN for an embedding model that gives none
 * @param cacheRead {@code cache_read_input_token_cost}
 * @param cacheWrite {@code cache_creation_input_token_cost}
 * @param reasoning {@code output_cost_per_reasoning_token}
 * @param tiers context tiers ({@code *_above_200k_tokens}), ascending by threshold
 * @param source where the price came from: {@code bundled}, {@code file}, {@code config}, ...
 */
public record Price(
    String key,
    String provider,
    String mode,
    double input,
    double output,
    double cacheRead,
    double cacheWrite,
    double reasoning,
    List<Tier> tiers,
    String source) {

  /**
   * Rates that apply instead of the base ones when a request's input tokens exceed {@code
   * aboveTokens} (Gemini 2.5 Pro and Claude Sonnet above 200k, GPT-5.4 above 272k). NaN: the base
   * rate applies.
   */
  public record Tier(
      long aboveTokens, double input, double output, double cacheRead, double cacheWrite) {}

  public Price {
    tiers = List.copyOf(tiers);
  }

  public boolean isEmbedding() {
    return "embedding".equals(mode);
  }

  /** The same price with every rate multiplied (an endpoint's negotiated discount, a currency). */
  public Price scaled(double factor, String newSource) {
    if (factor == 1.0 && newSource.equals(source)) {
      return this;
    }
    List<Tier> t =
        tiers.stream()
            .map(
                x ->
                    new Tier(
                        x.aboveTokens(),
                        x.input() * factor,
                        x.output() * factor,
                        x.cacheRead() * factor,
                        x.cacheWrite() * factor))
            .toList();
    return new Price(
        key,
        provider,
        mode,
        input * factor,
        output * factor,
        cacheRead * factor,
        cacheWrite * factor,
        reasoning * factor,
        t,
        newSource);
  }

  /** The same price under another key (a config pattern pointing at a table model). */
  public Price withKey(String newKey, String newSource) {
    return new Price(
        newKey, provider, mode, input, output, cacheRead, cacheWrite, reasoning, tiers, newSource);
  }
}
