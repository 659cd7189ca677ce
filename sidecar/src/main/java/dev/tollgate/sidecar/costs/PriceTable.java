package dev.tollgate.sidecar.costs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table of model prices, indexed for the lookups {@link PriceBook} makes: by exact key, by
 * lowercase key, and by "base" name (no provider or region prefix, no date or version suffix).
 *
 * <p>Reads LiteLLM's {@code model_prices_and_context_window.json} as published: a flat object of
 * model key to entry, with a {@code sample_spec} pseudo-entry documenting the fields. It is read
 * with Jackson's streaming parser; fields other than the handful of token prices are skipped
 * without building objects, so the ~3,000-entry, 1.6 MB file loads in well under a second. Entries
 * without a per-token input price (images, audio, rerank, per-second prices) are ignored.
 */
public final class PriceTable {
  /** The metadata key of the bundled table; skipped like {@code sample_spec}. */
  static final String META_KEY = "_tollgate";

  private static final Pattern TIER =
      Pattern.compile(
          "(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
              + "|cache_creation_input_token_cost)_above_(\\d{1,6})k_tokens");

  private final Map<String, Price> exact;
  private final Map<String, Price> lower;
  private final Map<String, List<Price>> byBase;

  private PriceTable(Map<String, Price> entries) {
    this.exact = new HashMap<>(entries);
    this.lower = new HashMap<>();
    this.byBase = new HashMap<>();
    for (Map.Entry<String, Price> e : entries.entrySet()) {
      lower.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
      byBase.computeIfAbsent(Names.base(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
    }
    // Deterministic choice among entries sharing a base: sorted by key.
    byBase.values().forEach(l -> l.sort(Comparator.comparing(Price::key)));
    // A key that is itself lowercase wins the lowercase slot over a mixed-case twin.
    for (Map.Entry<String, Price> e : entries.entrySet()) {
      if (e.getKey().equals(e.getKey().toLowerCase(Locale.ROOT))) {
        lower.put(e.getKey(), e.getValue());
      }
    }
  }

  /** A table of the given entries (later sources already merged over earlier ones). */
  public static PriceTable of(Map<String, Price> entries) {
    return new PriceTable(entries);
  }

  public int size() {
    return exact.size();
  }

  /** The entry under exactly this key, else under its lowercase form; null when none. */
  Price exact(String key) {
    Price p = exact.get(key);
    return p != null ? p : lower.get(key.toLowerCase(Locale.ROOT));
  }

  /** Entries whose {@link Names#base base} name is {@code base}; sorted by key. */
  List<Price> byBase(String base) {
    return byBase.getOrDefault(base, List.of());
  }

  // ---------------------------------------------------------------------------------------------
  // LiteLLM format.

  /** What a parsed file says about itself. */
  public record Parsed(Map<String, Price> entries, String asOf, int skipped) {}

  /**
   * Parses a LiteLLM-format price file. Unknown fields and non-token entries are skipped; the
   * {@code sample_spec} entry is ignored; the "as of" date comes from a top-level {@code
   * last_updated} string or the bundled table's {@code _tollgate.as_of}, else null.
   *
   * @throws IOException when the file is not a JSON object (the message names the line)
   */
  public static Parsed parseLiteLlm(InputStream in, String source) throws IOException {
    Map<String, Price> out = new LinkedHashMap<>();
    String asOf = null;
    int skipped = 0;
    try (JsonParser p = new JsonFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object of model entries");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          if ((key.equals("last_updated") || key.equals("as_of")) && t == JsonToken.VALUE_STRING) {
            asOf = p.getText();
          }
          p.skipChildren();
          continue;
        }
        if (key.equals("sample_spec")) {
          p.skipChildren();
          continue;
        }
        if (key.equals(META_KEY)) {
          String a = readMeta(p);
          if (a != null) {
            asOf = a;
          }
          continue;
        }
        Price price = readEntry(p, key, source);
        if (price == null) {
          skipped++;
        } else {
          out.put(key, price);
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(
          "invalid JSON at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage(), e);
    }
    return new Parsed(out, asOf, skipped);
  }

  private static String readMeta(JsonParser p) throws IOException {
    String asOf = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("as_of") && t == JsonToken.VALUE_STRING) {
        asOf = p.getText();
      }
      p.skipChildren();
    }
    return asOf;
  }

  private static Price readEntry(JsonParser p, String key, String source) throws IOException {
    double input = Double.NaN;
    double output = Double.NaN;
    double cacheRead = Double.NaN;
    double cacheWrite = Double.NaN;
    double reasoning = Double.NaN;
    String provider = "";
    String mode = "";
    TreeMap<Long, double[]> tiers = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "input_cost_per_token" -> input = number(p, t);
        case "output_cost_per_token" -> output = number(p, t);
        case "cache_read_input_token_cost" -> cacheRead = number(p, t);
        case "cache_creation_input_token_cost" -> cacheWrite = number(p, t);
        case "output_cost_per_reasoning_token" -> reasoning = number(p, t);
        case "litellm_provider" -> provider = t == JsonToken.VALUE_STRING ? p.getText() : "";
        case "mode" -> mode = t == JsonToken.VALUE_STRING ? p.getText() : "";
        default -> {
          if (f.indexOf("_above_") > 0 && t.isNumeric()) {
            Matcher m = TIER.matcher(f);
            if (m.matches()) {
              if (tiers == null) {
                tiers = new TreeMap<>();
              }
              double[] r =
                  tiers.computeIfAbsent(
                      Long.parseLong(m.group(2)) * 1000L,
                      k -> new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
              int i =
                  switch (m.group(1)) {
                    case "input_cost_per_token" -> 0;
                    case "output_cost_per_token" -> 1;
                    case "cache_read_input_token_cost" -> 2;
                    default -> 3;
                  };
              r[i] = number(p, t);
            }
          }
          p.skipChildren();
        }
      }
    }
    boolean embedding = "embedding".equals(mode);
    if (!(input >= 0) || !(output >= 0) && !embedding) {
      return null; // not priced per token (images, audio, per-second, rerank, ...)
    }
    List<Price.Tier> tierList = new ArrayList<>();
    if (tiers != null) {
      tiers.forEach((k, r) -> tierList.add(new Price.Tier(k, r[0], r[1], r[2], r[3])));
    }
    return new Price(
        key, provider, mode, input, output, cacheRead, cacheWrite, reasoning, tierList, source);
  }

  /** A non-negative number, also when sent as a string; NaN otherwise. */
  private static double number(JsonParser p, JsonToken t) throws IOException {
    double d;
    if (t.isNumeric()) {
      d = p.getDoubleValue();
    } else if (t == JsonToken.VALUE_STRING) {
      try {
        d = Double.parseDouble(p.getText().trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    } else {
      p.skipChildren();
      return Double.NaN;
    }
    return d >= 0 && Double.isFinite(d) ? d : Double.NaN;
  }
}
