package dev.tollgate.agent.core.config;

import dev.tollgate.agent.core.detect.EndpointConfig;
import dev.tollgate.controller.policy.EndpointPolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * The agent's configuration after every source has been merged (system properties, then
 * environment, then the YAML file, then defaults). Immutable; built by {@link ConfigLoader}.
 */
public final class AgentConfig {
  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4318";

  public final boolean enabled;
  public final String serviceName;
  /** OTLP/HTTP base URL; {@code /v1/traces} and {@code /v1/metrics} are appended. */
  public final String exporterEndpoint;
  /** {@code none} switches exporting off (calls are still recognized and logged when debug). */
  public final boolean exportEnabled;
  public final Duration exportTimeout;
  public final Duration metricsInterval;
  public final int exportQueueSize;
  /** Print one line per recorded call on stderr (no secrets, no content). */
  public final boolean debugCalls;
  /**
   * Where transformed classes are kept between runs so that a warm start skips Byte Buddy; null
   * when the cache is off.
   */
  public final String cacheDir;
  /**
   * Opt-in: add {@code stream_options.include_usage} to OpenAI-compatible streaming chat requests
   * that lack it, and take what that adds back out of the stream the application reads.
   */
  public final boolean openAiIncludeUsage;
  public final List<EndpointConfig> endpoints;
  /** Parsed controller policies of the endpoints that have any. */
  public final List<EndpointPolicy> policies;
  /** Where the configuration came from, for the one start-up line. */
  public final String source;

  AgentConfig(
      boolean enabled,
      String serviceName,
      String exporterEndpoint,
      boolean exportEnabled,
      Duration exportTimeout,
      Duration metricsInterval,
      int exportQueueSize,
      boolean debugCalls,
      String cacheDir,
      boolean openAiIncludeUsage,
      List<EndpointConfig> endpoints,
      List<EndpointPolicy> policies,
      String source) {
    this.enabled = enabled;
    this.serviceName = serviceName;
    this.exporterEndpoint = exporterEndpoint;
    this.exportEnabled = exportEnabled;
    this.exportTimeout = exportTimeout;
    this.metricsInterval = metricsInterval;
    this.exportQueueSize = exportQueueSize;
    this.debugCalls = debugCalls;
    this.cacheDir = cacheDir;
    this.openAiIncludeUsage = openAiIncludeUsage;
    this.endpoints = Collections.unmodifiableList(endpoints);
    this.policies = Collections.unmodifiableList(policies);
    this.source = source;
  }

  public static AgentConfig defaults() {
    return new AgentConfig(
        true,
        "unknown_service:java",
        DEFAULT_ENDPOINT,
        true,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        2048,
        false,
        null,
        false,
        List.of(),
        List.of(),
        "defaults");
  }
}
