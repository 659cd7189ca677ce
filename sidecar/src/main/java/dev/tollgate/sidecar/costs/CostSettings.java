package dev.tollgate.sidecar.costs;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code costs:} section of the sidecar's configuration, parsed and validated. Every price is
 * already in USD per token (converted with {@link #currencies} when given in another currency).
 *
 * @param models prices by model key, over the tables (exact key first, then as a table entry)
 * @param endpoints per-endpoint prices: negotiated or gateway prices, or a multiplier
 * @param patterns glob patterns tried after every table lookup failed
 * @param deployments model aliases, Azure deployment names first among them: alias -> model
 * @param currencies USD per unit of each currency, by upper-case code ({@code RMB: 0.14})
 */
public record CostSettings(
    Map<String, Price> models,
    Map<String, EndpointPrices> endpoints,
    List<PricePattern> patterns,
    Map<String, String> deployments,
    Map<String, Double> currencies) {

  public static final CostSettings NONE =
      new CostSettings(Map.of(), Map.of(), List.of(), Map.of(), Map.of());

  public CostSettings {
    models = Map.copyOf(models);
    endpoints = Map.copyOf(endpoints);
    patterns = List.copyOf(patterns);
    deployments = Map.copyOf(deployments);
    currencies = Map.copyOf(currencies);
  }

  /**
   * Prices for calls through one endpoint ({@code tollgate.endpoint.name}).
   *
   * @param multiplier applied to table prices for this endpoint (0.8 for a 20 % discount)
   * @param models explicit prices for this endpoint, by model; used as given
   * @param fallback the price of any other model through this endpoint; null for none
   */
  public record EndpointPrices(double multiplier, Map<String, Price> models, Price fallback) {
    public EndpointPrices {
      models = Map.copyOf(models);
    }
  }

  /**
   * A glob over model names, with either its own price or the name of a model to price like.
   *
   * @param glob as written ({@code ft:gpt-4o-mini:*})
   * @param regex the compiled glob, case-insensitive
   * @param price the price, or null when {@code model} is given
   * @param model a model looked up in the tables instead, or null
   */
  public record PricePattern(String glob, Pattern regex, Price price, String model) {}
}
