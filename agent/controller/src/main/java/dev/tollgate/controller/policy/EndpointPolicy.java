package dev.tollgate.controller.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the controller enforces for one configured endpoint: each section is optional (null
 * when not configured). Model overrides narrow a section to the calls for one model: an override's
 * section gets its own state (its own bucket, limiter, breaker or budget), while a section the
 * override leaves out is shared with the endpoint's other calls. Immutable; build with {@link
 * #builder(String)}.
 */
public final class EndpointPolicy {
  private final String name;
  private final RateLimitPolicy rateLimit;
  private final ConcurrencyPolicy concurrency;
  private final RetryPolicy retry;
  private final CircuitBreakerPolicy circuitBreaker;
  private final Map<String, EndpointPolicy> models;

  private EndpointPolicy(Builder b) {
    this.name = b.name;
    this.rateLimit = b.rateLimit;
    this.concurrency = b.concurrency;
    this.retry = b.retry;
    this.circuitBreaker = b.circuitBreaker;
    this.models = Collections.unmodifiableMap(new LinkedHashMap<>(b.models));
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** Null when there is no rate limit. */
  public RateLimitPolicy rateLimit() {
    return rateLimit;
  }

  /** Null when there is no concurrency limit. */
  public ConcurrencyPolicy concurrency() {
    return concurrency;
  }

  /** Null when the controller does not retry this endpoint's calls. */
  public RetryPolicy retry() {
    return retry;
  }

  /** Null when there is no circuit breaker. */
  public CircuitBreakerPolicy circuitBreaker() {
    return circuitBreaker;
  }

  /** Overrides by model name; an override's null sections are inherited. */
  public Map<String, EndpointPolicy> models() {
    return models;
  }

  /** True when no section is configured here or in any model override. */
  public boolean isEmpty() {
    return rateLimit == null
        && concurrency == null
        && retry == null
        && circuitBreaker == null
        && models.isEmpty();
  }

  @Override
  public String toString() {
    return "EndpointPolicy{"
        + name
        + ", rate_limit="
        + rateLimit
        + ", concurrency="
        + concurrency
        + ", retry="
        + retry
        + ", circuit_breaker="
        + circuitBreaker
        + (models.isEmpty() ? "" : ", models=" + models)
        + "}";
  }

  public static final class Builder {
    private final String name;
    private RateLimitPolicy rateLimit;
    private ConcurrencyPolicy concurrency;
    private RetryPolicy retry;
    private CircuitBreakerPolicy circuitBreaker;
    private final Map<String, EndpointPolicy> models = new LinkedHashMap<>();

    private Builder(String name) {
      Checks.check(name != null && !name.isEmpty(), "name", "an endpoint needs a name");
      this.name = name;
    }

    public Builder rateLimit(RateLimitPolicy v) {
      this.rateLimit = v;
      return this;
    }

    public Builder concurrency(ConcurrencyPolicy v) {
      this.concurrency = v;
      return this;
    }

    public Builder retry(RetryPolicy v) {
      this.retry = v;
      return this;
    }

    public Builder circuitBreaker(CircuitBreakerPolicy v) {
      this.circuitBreaker = v;
      return this;
    }

    /** Narrows sections to one model; the override's own model overrides are not allowed. */
    public Builder model(String model, EndpointPolicy override) {
      Checks.check(model != null && !model.isEmpty(), "models", "a model name must not be empty");
      Checks.check(override.models().isEmpty(), "models." + model, "overrides cannot be nested");
      models.put(model, override);
      return this;
    }

    public EndpointPolicy build() {
      return new EndpointPolicy(this);
    }
  }
}
