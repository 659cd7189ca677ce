package dev.tollgate.conventions;

/**
 * OpenTelemetry GenAI semantic-convention names, as of the v1.41 line (the last release inside
 * open-telemetry/semantic-conventions before GenAI moved to its own repository).
 *
 * <p>Every GenAI name is still "Development" upstream and some are being renamed (for example
 * {@code cache_creation} to {@code cache_write}). Keeping them in this one class means a rename is
 * a one-line change for the agent and the sidecar alike.
 */
public final class GenAi {
  private GenAi() {}

  // Span and metric attributes.
  public static final String PROVIDER_NAME = "gen_ai.provider.name";
  public static final String OPERATION_NAME = "gen_ai.operation.name";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String REQUEST_STREAM = "gen_ai.request.stream";
  public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
  public static final String RESPONSE_MODEL = "gen_ai.response.model";
  public static final String RESPONSE_ID = "gen_ai.response.id";
  public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
  public static final String RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
  public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
  public static final String USAGE_CACHE_CREATION_INPUT_TOKENS =
      "gen_ai.usage.cache_creation.input_tokens";
  public static final String USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens";
  public static final String TOKEN_TYPE = "gen_ai.token.type";
  /** Older name of {@link #PROVIDER_NAME}; still read by the sidecar from other sources. */
  public static final String SYSTEM_DEPRECATED = "gen_ai.system";

  // Stable attributes the conventions borrow.
  public static final String SERVER_ADDRESS = "server.address";
  public static final String SERVER_PORT = "server.port";
  public static final String ERROR_TYPE = "error.type";
  public static final String HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";

  // Metrics.
  public static final String METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";
  public static final String METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";
  public static final String METRIC_TIME_TO_FIRST_CHUNK =
      "gen_ai.client.operation.time_to_first_chunk";

  /** {@code gen_ai.token.type} values. */
  public static final String TOKEN_TYPE_INPUT = "input";

  public static final String TOKEN_TYPE_OUTPUT = "output";

  /** {@code gen_ai.operation.name} values used by Tollgate. */
  public static final String OP_CHAT = "chat";

  public static final String OP_TEXT_COMPLETION = "text_completion";
  public static final String OP_EMBEDDINGS = "embeddings";
  public static final String OP_GENERATE_CONTENT = "generate_content";
  public static final String OP_INVOKE_WORKFLOW = "invoke_workflow";
  public static final String OP_INVOKE_AGENT = "invoke_agent";

  /**
   * Explicit bucket boundaries (seconds) the conventions advise for duration metrics; they reach
   * 81.92 s, where HTTP's default buckets stop at 10 s, which LLM calls routinely exceed.
   */
  public static final double[] DURATION_BUCKETS_SECONDS = {
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92
  };

  /** Explicit bucket boundaries the conventions advise for {@code gen_ai.client.token.usage}. */
  public static final double[] TOKEN_BUCKETS = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
  };
}
