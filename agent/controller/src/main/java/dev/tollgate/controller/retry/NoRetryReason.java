package dev.tollgate.controller.retry;

/** Why a failed call was not retried; {@link #label()} is the metric attribute value. */
public enum NoRetryReason {
  /** The endpoint has no retry policy. */
  NOT_CONFIGURED("not_configured"),
  /** A success, or a status or error that is not in {@code retry_on}. */
  NOT_RETRYABLE("not_retryable"),
  /** Response bytes already reached the application: sending again would duplicate them. */
  RESPONSE_STARTED("response_started"),
  /** A 429 {@code insufficient_quota}: waiting will not bring money back. */
  INSUFFICIENT_QUOTA("insufficient_quota"),
  /** The caller is an SDK with its own retry loop ({@code x-stainless-retry-count} was sent). */
  SDK_RETRIES("sdk_retries"),
  /** {@code max_attempts} reached. */
  MAX_ATTEMPTS("max_attempts"),
  /** The server asked for a longer wait than {@code max_server_delay}. */
  RETRY_AFTER_TOO_LONG("retry_after_too_long"),
  /** The retry budget is spent: retries are at their allowed share of recent traffic. */
  BUDGET_EXHAUSTED("budget_exhausted");

  private final String label;

  NoRetryReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * True when the endpoint's retry policy itself refused the retry; false when no policy of the
   * controller's applies to the call (none is configured, or an SDK's own retry loop is in
   * charge). A client with a retry stage of its own (Apache HttpClient) then leaves the failure
   * as final only in the first case: otherwise its retries go ahead as they would without the
   * agent.
   */
  public boolean policyDecided() {
    return this != NOT_CONFIGURED && this != SDK_RETRIES;
  }
}
