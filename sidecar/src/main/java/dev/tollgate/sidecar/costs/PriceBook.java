package dev.tollgate.sidecar.costs;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the price of a call. Sources, later over earlier: the bundled table ({@code
 * prices/model_prices.json}), a LiteLLM file ({@code --prices}), the config's {@code costs.models}.
 * Per call, in order:
 *
 * <ol>
 *   <li>the call's endpoint's explicit prices ({@code costs.endpoints.<name>.models}, exact or by
 *       base name), then that endpoint's {@code default};
 *   <li>{@code costs.models}, by exact name;
 *   <li>the tables by exact name, then with the provider's LiteLLM prefix ({@code gemini/}, {@code
 *       deepseek/}, {@code azure/}, ...);
 *   <li>without a provider or region prefix ({@code openai/}, {@code models/}, {@code
 *       us.anthropic.}), then also without a date or version suffix ({@code -2024-08-06}, {@code
 *       -20250929}, {@code @20240620}, {@code -v2:0});
 *   <li>any table entry with the same base name: the provider's own entry, else the one whose key
 *       is the base name itself, else the first by key. Self-hosted providers ({@code ollama},
 *       {@code openai-compatible}) skip this step: a model they serve is not billed at another
 *       provider's rates;
 *   <li>{@code costs.patterns}, in order.
 * </ol>
 *
 * The names tried are, in order: the request model's alias from {@code costs.deployments} (Azure
 * deployment names), the response model (the snapshot that actually answered), the request model.
 * Table prices of an endpoint with a {@code multiplier} are scaled by it. Results are cached per
 * (endpoint, provider, request model, response model).
 */
public final class PriceBook {
  /** The bundled table, on the classpath. */
  public static final String BUNDLED = "/prices/model_prices.json";

  private static final int CACHE_LIMIT = 10_000;

  /** How a call's price was found. */
  public record Resolution(Price price, String matchedName, String how) {
    static final Resolution NONE = new Resolution(null, null, "none");

    public boolean found() {
      return price != null;
    }
  }

  private record CacheKey(String endpoint, String provider, String request, String response) {}

  private final PriceTable table;
  private final CostSettings settings;
  private final String asOf;
  private final String source;
  private final Map<CacheKey, Resolution> cache = new ConcurrentHashMap<>();

  PriceBook(PriceTable table, CostSettings settings, String asOf, String source) {
    this.table = table;
    this.settings = settings;
    this.asOf = asOf;
    this.source = source;
  }

  /**
   * Loads the bundled table, then {@code pricesFile} over it (when given), then the config's models
   * over both.
   */
  public static PriceBook load(Path pricesFile, CostSettings settings) throws IOException {
    Map<String, Price> merged = new LinkedHashMap<>();
    PriceTable.Parsed bundled;
    try (InputStream in = PriceBook.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IOException("bundled price table " + BUNDLED + " missing from the jar");
      }
      bundled = PriceTable.parseLiteLlm(in, "bundled");
    }
    merged.putAll(bundled.entries());
    String asOf = bundled.asOf();
    String source = "bundled";
    if (pricesFile != null) {
      PriceTable.Parsed file;
      try (InputStream in = Files.newInputStream(pricesFile)) {
        file = PriceTable.parseLiteLlm(in, "file");
      } catch (IOException e) {
        throw new IOException("prices file " + pricesFile + ": " + e.getMessage(), e);
      }
      if (file.entries().isEmpty()) {
        throw new IOException("prices file " + pricesFile + " has no per-token prices");
      }
      merged.putAll(file.entries());
      asOf =
          file.asOf() != null
              ? file.asOf()
              : Files.getLastModifiedTime(pricesFile)
                  .toInstant()
                  .atZone(ZoneOffset.UTC)
                  .toLocalDate()
                  .toString();
      source = pricesFile.getFileName() + " (" + file.entries().size() + " models) over bundled";
    }
    merged.putAll(settings.models());
    return new PriceBook(PriceTable.of(merged), settings, asOf, source);
  }

  /** Only the bundled table and {@code settings} (tests, and the default). */
  public static PriceBook bundled(CostSettings settings) {
    try {
      return load(null, settings);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The "as of" date of the table in use: the file's, else the bundled table's. */
  public String asOf() {
    return asOf;
  }

  /** Which tables are in use, for the API. */
  public String source() {
    return source;
  }

  public int size() {
    return table.size();
  }

  public CostSettings settings() {
    return settings;
  }

  /**
   * USD for an amount in {@code currency} (null or empty: USD); NaN when no rate is configured.
   * {@code RMB} and {@code CNY} stand for each other.
   */
  public double toUsd(BigDecimal amount, String currency) {
    double rate = rate(currency);
    return Double.isNaN(rate) ? Double.NaN : amount.doubleValue() * rate;
  }

  /** USD per unit of {@code currency}; 1 for USD; NaN when unknown. */
  public double rate(String currency) {
    if (currency == null || currency.isBlank()) {
      return 1.0;
    }
    String c = currency.trim().toUpperCase(Locale.ROOT);
    if (c.equals("USD")) {
      return 1.0;
    }
    Double r = settings.currencies().get(c);
    if (r == null && (c.equals("RMB") || c.equals("CNY"))) {
      r = settings.currencies().get(c.equals("RMB") ? "CNY" : "RMB");
    }
    return r == null ? Double.NaN : r;
  }

  /** The price of a call; {@link Resolution#found()} is false when nothing matched. */
  public Resolution resolve(
      String endpoint, String provider, String requestModel, String responseModel) {
    CacheKey key =
        new CacheKey(
            endpoint == null ? "" : endpoint,
            provider == null ? "" : provider,
            requestModel == null ? "" : requestModel,
            responseModel == null ? "" : responseModel);
    Resolution r = cache.get(key);
    if (r == null) {
      r = resolveUncached(key);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(key, r);
    }
    return r;
  }

  private Resolution resolveUncached(CacheKey k) {
    List<String> names = new ArrayList<>(3);
    String alias = settings.deployments().get(k.request());
    if (alias == null) {
      alias = settings.deployments().get(k.response());
    }
    addName(names, alias);
    addName(names, k.response());
    addName(names, k.request());

    CostSettings.EndpointPrices ep = settings.endpoints().get(k.endpoint());
    if (ep != null) {
      for (String n : names) {
        Price p = ep.models().get(n);
        if (p == null) {
          p = findByBase(ep.models(), Names.base(n));
        }
        if (p != null) {
          return new Resolution(p, n, "endpoint");
        }
      }
      if (ep.fallback() != null && !names.isEmpty()) {
        return new Resolution(ep.fallback(), names.get(0), "endpoint-default");
      }
    }
    if (names.isEmpty()) {
      return Resolution.NONE;
    }
    double multiplier = ep == null ? 1.0 : ep.multiplier();
    Resolution r = resolveInTables(names, k.provider(), true);
    if (r.found() && multiplier != 1.0) {
      Price scaled = r.price().scaled(multiplier, r.price().source() + " x" + multiplier);
      r = new Resolution(scaled, r.matchedName(), r.how());
    }
    return r;
  }

  private static void addName(List<String> names, String n) {
    if (n != null && !n.isBlank() && !names.contains(n)) {
      names.add(n);
    }
  }

  private static Price findByBase(Map<String, Price> prices, String base) {
    for (Map.Entry<String, Price> e : prices.entrySet()) {
      if (Names.base(e.getKey()).equals(base)) {
        return e.getValue();
      }
    }
    return null;
  }

  private Resolution resolveInTables(List<String> names, String provider, boolean patterns) {
    for (String n : names) {
      Price p = settings.models().get(n);
      if (p != null) {
        return new Resolution(p, n, "config");
      }
    }
    List<String> prefixes = litellmProviders(provider);
    for (String n : names) {
      Price p = table.exact(n);
      if (p != null) {
        return new Resolution(p, n, "exact");
      }
      for (String pp : prefixes) {
        p = table.exact(pp + "/" + n);
        if (p != null) {
          return new Resolution(p, n, "exact");
        }
      }
    }
    for (String n : names) {
      String stripped = Names.stripPrefix(n);
      String base = Names.stripSuffix(stripped);
      for (String candidate : stripped.equals(base) ? List.of(stripped) : List.of(stripped, base)) {
        Price p = table.exact(candidate);
        for (int i = 0; p == null && i < prefixes.size(); i++) {
          p = table.exact(prefixes.get(i) + "/" + candidate);
        }
        if (p != null) {
          return new Resolution(p, n, "normalized");
        }
      }
      Price p = pickByBase(table.byBase(base), base, prefixes, selfHosted(provider));
      if (p != null) {
        return new Resolution(p, n, "normalized");
      }
    }
    if (!patterns) {
      return Resolution.NONE;
    }
    for (CostSettings.PricePattern pattern : settings.patterns()) {
      for (String n : names) {
        if (pattern.regex().matcher(n).matches()) {
          if (pattern.price() != null) {
            return new Resolution(pattern.price(), n, "pattern");
          }
          Resolution target = resolveInTables(List.of(pattern.model()), provider, false);
          if (target.found()) {
            return new Resolution(target.price(), n, "pattern");
          }
        }
      }
    }
    return Resolution.NONE;
  }

  private static Price pickByBase(
      List<Price> candidates, String base, List<String> prefixes, boolean selfHosted) {
    if (candidates.isEmpty()) {
      return null;
    }
    for (Price p : candidates) {
      if (prefixes.contains(p.provider())) {
        return p;
      }
    }
    if (selfHosted) {
      return null;
    }
    for (Price p : candidates) {
      if (p.key().equalsIgnoreCase(base)) {
        return p;
      }
    }
    for (String firstParty : FIRST_PARTY) {
      for (Price p : candidates) {
        if (p.provider().equals(firstParty)) {
          return p;
        }
      }
    }
    return candidates.get(0);
  }

  private static final List<String> FIRST_PARTY =
      List.of("openai", "anthropic", "gemini", "deepseek", "mistral", "vertex_ai-language-models");

  /** Servers whose models are not billed per token by whoever made the model. */
  static boolean selfHosted(String provider) {
    return provider.equals("ollama")
        || provider.equals("openai-compatible")
        || provider.equals("vllm");
  }

  /**
   * LiteLLM's provider names (and key prefixes) for a {@code gen_ai.provider.name}: the agent's
   * values, the GenAI conventions' well-known ones, and anything else taken as it is.
   */
  static List<String> litellmProviders(String provider) {
    return switch (provider) {
      case "" -> List.of();
      case "openai" -> List.of("openai", "text-completion-openai");
      case "azure.ai.openai", "azure", "azure-openai", "az.ai.openai" ->
          List.of("azure", "azure_ai");
      case "anthropic" -> List.of("anthropic");
      case "gcp.gemini", "gemini", "google" -> List.of("gemini");
      case "gcp.vertex_ai", "vertex_ai", "gcp.gen_ai" -> List.of("vertex_ai", "gemini");
      case "deepseek" -> List.of("deepseek");
      case "mistral_ai", "mistral" -> List.of("mistral");
      case "aws.bedrock", "bedrock" -> List.of("bedrock", "bedrock_converse");
      case "ollama" -> List.of("ollama", "ollama_chat");
      case "openai-compatible", "dify" -> List.of();
      case "groq", "x_ai", "xai", "perplexity", "cohere", "together_ai", "fireworks_ai" ->
          List.of(provider.equals("x_ai") ? "xai" : provider);
      default -> List.of(provider);
    };
  }
}
