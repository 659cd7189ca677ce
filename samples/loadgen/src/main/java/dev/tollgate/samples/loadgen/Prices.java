package dev.tollgate.samples.loadgen;

import java.util.Locale;
import java.util.Map;

/** USD per million tokens for a few common models; {@code --price-input/--price-output} win. */
final class Prices {
  private Prices() {}

  record Price(double inputPerMillion, double outputPerMillion) {}

  private static final Map<String, Price> TABLE =
      Map.ofEntries(
          Map.entry("gpt-4o-mini", new Price(0.15, 0.60)),
          Map.entry("gpt-4o", new Price(2.50, 10.00)),
          Map.entry("gpt-4.1-nano", new Price(0.10, 0.40)),
          Map.entry("gpt-4.1-mini", new Price(0.40, 1.60)),
          Map.entry("gpt-4.1", new Price(2.00, 8.00)),
          Map.entry("gpt-5-nano", new Price(0.05, 0.40)),
          Map.entry("gpt-5-mini", new Price(0.25, 2.00)),
          Map.entry("gpt-5", new Price(1.25, 10.00)),
          Map.entry("o4-mini", new Price(1.10, 4.40)),
          Map.entry("o3-mini", new Price(1.10, 4.40)),
          Map.entry("o3", new Price(2.00, 8.00)),
          Map.entry("claude-haiku-4-5", new Price(1.00, 5.00)),
          Map.entry("claude-3-5-haiku", new Price(0.80, 4.00)),
          Map.entry("claude-3-haiku", new Price(0.25, 1.25)),
          Map.entry("claude-sonnet-4", new Price(3.00, 15.00)),
          Map.entry("claude-3-7-sonnet", new Price(3.00, 15.00)),
          Map.entry("claude-opus-4-5", new Price(5.00, 25.00)),
          Map.entry("claude-opus-4", new Price(15.00, 75.00)),
          Map.entry("deepseek-chat", new Price(0.28, 0.42)),
          Map.entry("text-embedding-3-small", new Price(0.02, 0.0)));

  /** The longest table key that prefixes the model, or null. */
  static Price lookup(String model) {
    if (model == null) {
      return null;
    }
    String m = model.toLowerCase(Locale.ROOT);
    String best = null;
    for (String k : TABLE.keySet()) {
      if (m.startsWith(k) && (best == null || k.length() > best.length())) {
        best = k;
      }
    }
    return best == null ? null : TABLE.get(best);
  }

  /** Flags override the table; either flag alone overrides only its half. */
  static Price resolve(String model, Double input, Double output) {
    Price table = lookup(model);
    if (input == null && output == null) {
      return table;
    }
    return new Price(
        input != null ? input : table != null ? table.inputPerMillion() : 0,
        output != null ? output : table != null ? table.outputPerMillion() : 0);
  }
}
