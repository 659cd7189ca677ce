package dev.tollgate.conventions;

/**
 * Tollgate's own attribute and metric names: everything the GenAI conventions do not cover, under
 * the {@code tollgate.} prefix.
 */
public final class Tollgate {
  private Tollgate() {}

  /** Instrumentation scope name of everything the agent exports. */
  public static final String SCOPE = "dev.tollgate.agent";

  // Span attributes.
  public static final String ENDPOINT_NAME = "tollgate.endpoint.name";
  public static final String ATTEMPT = "tollgate.attempt";
  public static final String CLIENT = "tollgate.client";
  public static final String UNMETERED = "tollgate.usage.unmetered";
  /** The agent added {@code stream_options.include_usage} to the request (opt-in). */
  public static final String USAGE_INJECTED = "tollgate.usage.injected";
  /** A provider-reported total when the input/output split is unknown (Dify workflow runs). */
  public static final String TOTAL_TOKENS = "tollgate.usage.total_tokens";
  public static final String STREAM_COMPLETE = "tollgate.stream.complete";
  public static final String PARSE_FAILED = "tollgate.parse.failed";
  public static final String ERROR_MESSAGE_CODE = "tollgate.error.code";
  public static final String DIFY_APP = "tollgate.dify.app";
  public static final String DIFY_PRICE = "tollgate.dify.total_price";
  public static final String DIFY_CURRENCY = "tollgate.dify.currency";
  public static final String DIFY_LATENCY = "tollgate.dify.latency";
  public static final String RATELIMIT_REMAINING_REQUESTS = "tollgate.ratelimit.remaining_requests";
  public static final String RATELIMIT_REMAINING_TOKENS = "tollgate.ratelimit.remaining_tokens";
  public static final String RATELIMIT_RESET_REQUESTS = "tollgate.ratelimit.reset_requests";
  public static final String RATELIMIT_RESET_TOKENS = "tollgate.ratelimit.reset_tokens";
  public static final String RETRY_AFTER = "tollgate.retry_after_seconds";
  // Controller (issue 4) attributes.
  public static final String WAIT_SECONDS = "tollgate.controller.wait_seconds";
  public static final String REJECTED_BY = "tollgate.controller.rejected_by";
  public static final String BREAKER_STATE = "tollgate.breaker.state";
  /** This attempt's response was withheld from the application and the request sent again. */
  public static final String RETRIED = "tollgate.controller.retried";

  // Metrics.
  public static final String METRIC_PARSE_FAILURES = "tollgate.agent.parse_failures";
  public static final String METRIC_EXPORT_DROPS = "tollgate.agent.export_drops";

  // Controller metrics (issue 4), all with attribute ENDPOINT_NAME; limiter/reason attributes below.
  /** Gauge: calls waiting for a concurrency permit. */
  public static final String METRIC_QUEUE_DEPTH = "tollgate.controller.queue_depth";
  /** Gauge: calls in flight. */
  public static final String METRIC_IN_FLIGHT = "tollgate.controller.in_flight";
  /** Gauge: the current concurrency limit (changes in adaptive mode). */
  public static final String METRIC_CONCURRENCY_LIMIT = "tollgate.controller.concurrency_limit";
  /** Gauge: breaker state, 0 closed, 1 open, 2 half-open. */
  public static final String METRIC_BREAKER_STATE = "tollgate.breaker.state";
  /** Counter: breaker transitions, attribute {@link #TO_STATE}. */
  public static final String METRIC_BREAKER_TRANSITIONS = "tollgate.breaker.transitions";
  /** Counter: calls rejected, attribute {@link #LIMITER}. */
  public static final String METRIC_REJECTIONS = "tollgate.controller.rejections";
  /** Counter: retries made, attribute {@link #REASON}. */
  public static final String METRIC_RETRIES = "tollgate.controller.retries";
  /** Counter: calls that waited for a limiter before being sent or refused, attribute {@link #LIMITER}. */
  public static final String METRIC_WAITS = "tollgate.controller.waits";

  public static final String LIMITER = "tollgate.limiter";
  public static final String REASON = "tollgate.reason";
  public static final String TO_STATE = "tollgate.breaker.to_state";

  /** {@code error.type} values Tollgate sets (HTTP status errors use the status code itself). */
  public static final class ErrorTypes {
    private ErrorTypes() {}

    public static final String CONNECT = "connect_error";
    public static final String TIMEOUT = "timeout";
    public static final String RATE_LIMITED = "429";
    public static final String STREAM_ERROR_EVENT = "stream_error_event";
    public static final String STREAM_TRUNCATED = "stream_truncated";
    public static final String CLIENT_ABORTED = "client_aborted";
    /** The agent's controller refused the call (see {@code tollgate.controller.rejected_by}). */
    public static final String REJECTED = "rejected";
    public static final String IO = "io_error";
    public static final String OTHER = "_OTHER";
  }
}
