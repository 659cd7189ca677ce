package dev.tollgate.samples.apps;

import java.util.HashMap;
import java.util.Map;

/** The few flags every sample takes: {@code --base-url}, {@code --model}, {@code --prompt}... */
final class Cli {
  private final Map<String, String> flags = new HashMap<>();
  private final Map<String, String> env;

  Cli(String[] args, Map<String, String> env) {
    this.env = env;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
        flags.put(a.substring(2, eq), a.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        flags.put(a.substring(2), args[++i]);
      } else {
        flags.put(a.substring(2), "true");
      }
    }
  }

  /** The flag, else the environment variable, else the default. */
  String get(String flag, String envName, String fallback) {
    String v = flags.get(flag);
    if (v == null && envName != null) {
      v = env.get(envName);
    }
    return v != null ? v : fallback;
  }

  String baseUrl() {
    String v = get("base-url", "LLM_BASE_URL", null);
    if (v == null) {
      throw new IllegalArgumentException(
          "set --base-url or LLM_BASE_URL, e.g. http://127.0.0.1:8080/v1");
    }
    return v;
  }

  String model() {
    return get("model", "LLM_MODEL", "gpt-4o-mini");
  }

  String prompt() {
    return get("prompt", null, "Say hello to the people reading this sample.");
  }

  String apiKey() {
    return get("api-key", "LLM_API_KEY", "sk-sample");
  }

  /** {@code blocking}, {@code streaming} or {@code both} (the default). */
  boolean blocking() {
    return !get("mode", null, "both").equals("streaming");
  }

  boolean streaming() {
    return !get("mode", null, "both").equals("blocking");
  }
}
