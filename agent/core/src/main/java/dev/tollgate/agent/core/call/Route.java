package dev.tollgate.agent.core.call;

/**
 * What recognition decided about one outgoing request: which provider and wire format, which
 * operation, and which configured endpoint (if any) it belongs to. Immutable.
 */
public final class Route {
  /** Which API of the provider the path addresses; picks the response parser. */
  public enum Api {
    OPENAI_CHAT,
    OPENAI_COMPLETIONS,
    OPENAI_RESPONSES,
    OPENAI_EMBEDDINGS,
    ANTHROPIC_MESSAGES,
    GEMINI_GENERATE,
    GEMINI_EMBED,
    OLLAMA_CHAT,
    OLLAMA_GENERATE,
    OLLAMA_EMBED,
    DIFY_CHAT,
    DIFY_COMPLETION,
    DIFY_WORKFLOW
  }

  public final Provider provider;
  public final Api api;
  /** {@code gen_ai.operation.name}. */
  public final String operation;
  /** Configured endpoint name, or null when recognized by well-known host or path only. */
  public final String endpointName;
  /** Model named by the URL path (Gemini's model, Azure's deployment), or null. */
  public final String pathModel;
  /**
   * True when the URL itself asks for a stream (Gemini's {@code :streamGenerateContent}); the
   * request body of such a call carries no {@code stream} flag.
   */
  public final boolean streamingPath;

  public Route(Provider provider, Api api, String operation, String endpointName, String pathModel) {
    this(provider, api, operation, endpointName, pathModel, false);
  }

  public Route(
      Provider provider,
      Api api,
      String operation,
      String endpointName,
      String pathModel,
      boolean streamingPath) {
    this.provider = provider;
    this.api = api;
    this.operation = operation;
    this.endpointName = endpointName;
    this.pathModel = pathModel;
    this.streamingPath = streamingPath;
  }

  @Override
  public String toString() {
    return provider.configKey + "/" + api + (endpointName == null ? "" : " @" + endpointName);
  }
}
