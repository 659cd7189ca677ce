package dev.tollgate.agent.it;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One contract case: what the fake provider answers, how the application reads it, and what the
 * agent must record. {@code null} expectations mean "must be absent" for tokens (a count the
 * provider did not report stays absent, never 0) and "not checked" elsewhere unless stated.
 */
final class Scenario {
  final String name;
  String path;
  String requestFile;
  int status = 200;
  String contentType = "application/json";
  String bodyFile;
  final Map<String, String> responseHeaders = new LinkedHashMap<>();
  final Map<String, String> requestHeaders = new LinkedHashMap<>();
  int dribbleChunks;
  int delayMillis;
  int timeoutMillis = 5000;
  String read = "ALL";
  boolean refusedConnection;
  boolean expectSpan = true;

  // Expectations.
  String provider;
  String operation;
  String requestModel;
  String responseModel;
  boolean stream;
  String errorType;
  Long input;
  Long output;
  Long cacheRead;
  Long cacheWrite;
  Long reasoning;
  boolean expectTtfc;
  String difyPrice;
  String difyCurrency;
  Long attempt;
  Double retryAfter;

  Scenario(String name) {
    this.name = name;
  }

  Scenario post(String path, String requestFile) {
    this.path = path;
    this.requestFile = requestFile;
    return this;
  }

  Scenario respond(int status, String contentType, String bodyFile) {
    this.status = status;
    this.contentType = contentType;
    this.bodyFile = bodyFile;
    return this;
  }

  Scenario sse(String bodyFile) {
    return respond(200, "text/event-stream; charset=utf-8", bodyFile).dribble(6);
  }

  Scenario dribble(int chunks) {
    this.dribbleChunks = chunks;
    return this;
  }

  Scenario header(String name, String value) {
    responseHeaders.put(name, value);
    return this;
  }

  Scenario requestHeader(String name, String value) {
    requestHeaders.put(name, value);
    return this;
  }

  Scenario expect(String provider, String operation, String requestModel, String responseModel) {
    this.provider = provider;
    this.operation = operation;
    this.requestModel = requestModel;
    this.responseModel = responseModel;
    return this;
  }

  Scenario tokens(Long input, Long output, Long cacheRead, Long cacheWrite, Long reasoning) {
    this.input = input;
    this.output = output;
    this.cacheRead = cacheRead;
    this.cacheWrite = cacheWrite;
    this.reasoning = reasoning;
    return this;
  }

  Scenario streaming() {
    this.stream = true;
    this.expectTtfc = true;
    return this;
  }

  Scenario error(String errorType) {
    this.errorType = errorType;
    return this;
  }

  Scenario read(String mode) {
    this.read = mode;
    return this;
  }

  Scenario delay(int millis) {
    this.delayMillis = millis;
    return this;
  }

  Scenario timeout(int millis) {
    this.timeoutMillis = millis;
    return this;
  }

  Scenario refused() {
    this.refusedConnection = true;
    return this;
  }

  Scenario noSpan() {
    this.expectSpan = false;
    return this;
  }

  @Override
  public String toString() {
    return name;
  }
}
