package dev.tollgate.sidecar.costs;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Model-name normalisation for price matching. A call names its model as the provider's API spells
 * it ({@code gpt-4o-2024-08-06}, {@code models/gemini-2.5-flash}, {@code
 * us.anthropic.claude-3-5-sonnet-20241022-v2:0}, {@code claude-3-5-sonnet@20240620}); price tables
 * key their entries by a family name, often behind a provider prefix ({@code gemini/...}, {@code
 * deepseek/...}). The base name drops both ends so the two meet.
 */
final class Names {
  private Names() {}

  /** Bedrock's region and vendor prefixes: {@code us.anthropic.}, {@code eu.meta.}, ... */
  private static final Pattern VENDOR =
      Pattern.compile(
          "^(?:(?:us|eu|apac|jp|au|ca|global|us-gov)\\.)?"
              + "(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|writer|qwen)\\.");

  /**
   * Date and version suffixes, stripped one at a time from the end: Bedrock's {@code -v2:0},
   * Vertex's {@code @20240620} and {@code @001}, OpenAI's {@code -2024-08-06} and {@code -0613},
   * Anthropic's {@code -20250929}, Gemini's {@code -001}, Mistral's {@code -2411} and {@code
   * -latest}.
   */
  private static final Pattern SUFFIX =
      Pattern.compile(
          "(?:-v\\d+:\\d+|@\\d{8}|@\\d{3}|-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|-\\d{4}|-\\d{3}|[-@]latest)$");

  /** Lowercase, without anything up to the last '/' and without a Bedrock region/vendor prefix. */
  static String stripPrefix(String name) {
    String s = name.toLowerCase(Locale.ROOT).trim();
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      s = s.substring(slash + 1);
    }
    return VENDOR.matcher(s).replaceFirst("");
  }

  /** Without date and version suffixes (applied repeatedly: {@code -20241022-v2:0}). */
  static String stripSuffix(String name) {
    String s = name;
    for (int i = 0; i < 3; i++) {
      String t = SUFFIX.matcher(s).replaceFirst("");
      if (t.equals(s) || t.isEmpty()) {
        break;
      }
      s = t;
    }
    return s;
  }

  /** The family name both calls and table keys are reduced to. */
  static String base(String name) {
    return stripSuffix(stripPrefix(name));
  }
}
