package dev.tollgate.agent.core.call;

/**
 * The providers and wire formats Tollgate understands. {@link #configKey} is the value users write
 * in the agent's YAML; {@link #semconvName} is what is exported as {@code gen_ai.provider.name}
 * (the conventions' well-known value where one exists).
 */
public enum Provider {
  OPENAI("openai", "openai"),
  OPENAI_COMPATIBLE("openai-compatible", "openai-compatible"),
  AZURE_OPENAI("azure-openai", "azure.ai.openai"),
  ANTHROPIC("anthropic", "anthropic"),
  GEMINI("gemini", "gcp.gemini"),
  DIFY("dify", "dify"),
  DEEPSEEK("deepseek", "deepseek"),
  OLLAMA("ollama", "ollama");

  public final String configKey;
  public final String semconvName;

  Provider(String configKey, String semconvName) {
    this.configKey = configKey;
    this.semconvName = semconvName;
  }

  /** Returns the provider for a config value, or null when the value names none. */
  public static Provider fromConfigKey(String key) {
    if (key == null) {
      return null;
    }
    String k = key.trim().toLowerCase(java.util.Locale.ROOT);
    for (Provider p : values()) {
      if (p.configKey.equals(k) || p.semconvName.equals(k)) {
        return p;
      }
    }
    return null;
  }

  /** True for providers that speak the OpenAI wire format (chat completions, responses, embeddings). */
  public boolean speaksOpenAi() {
    return this == OPENAI || this == OPENAI_COMPATIBLE || this == AZURE_OPENAI || this == DEEPSEEK;
  }
}
