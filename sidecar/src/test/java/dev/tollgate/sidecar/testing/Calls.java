package dev.tollgate.sidecar.testing;

import dev.tollgate.sidecar.aggregate.CallRecord;
import java.math.BigDecimal;

/** Builds {@link CallRecord}s as {@code SpanMapper} would from the agent's spans. */
public final class Calls {
  private String service = "svc";
  private String provider;
  private String operation = "chat";
  private String requestModel;
  private String responseModel;
  private String endpoint;
  private String difyApp;
  private Boolean stream;
  private long endNanos;
  private double duration = 1.0;
  private double ttft = Double.NaN;
  private String errorType;
  private int httpStatus = 200;
  private long input = CallRecord.UNKNOWN;
  private long output = CallRecord.UNKNOWN;
  private long cacheRead = CallRecord.UNKNOWN;
  private long cacheWrite = CallRecord.UNKNOWN;
  private long reasoning = CallRecord.UNKNOWN;
  private boolean unmetered;
  private BigDecimal price;
  private String currency;
  private String rejectedBy;

  private Calls(String provider, String model) {
    this.provider = provider;
    this.requestModel = model;
  }

  public static Calls call(String provider, String model) {
    return new Calls(provider, model);
  }

  public Calls service(String s) {
    service = s;
    return this;
  }

  public Calls operation(String o) {
    operation = o;
    return this;
  }

  public Calls responseModel(String m) {
    responseModel = m;
    return this;
  }

  public Calls endpoint(String e) {
    endpoint = e;
    return this;
  }

  public Calls difyApp(String a) {
    difyApp = a;
    return this;
  }

  public Calls stream(boolean s) {
    stream = s;
    return this;
  }

  public Calls endMillis(long ms) {
    endNanos = ms * 1_000_000L;
    return this;
  }

  public Calls duration(double s) {
    duration = s;
    return this;
  }

  public Calls ttft(double s) {
    ttft = s;
    return this;
  }

  public Calls error(String type) {
    errorType = type;
    return this;
  }

  public Calls tokens(long in, long out) {
    input = in;
    output = out;
    return this;
  }

  public Calls input(long in) {
    input = in;
    return this;
  }

  public Calls cacheRead(long n) {
    cacheRead = n;
    return this;
  }

  public Calls cacheWrite(long n) {
    cacheWrite = n;
    return this;
  }

  public Calls reasoning(long n) {
    reasoning = n;
    return this;
  }

  public Calls unmetered() {
    unmetered = true;
    return this;
  }

  public Calls difyPrice(String amount, String cur) {
    price = new BigDecimal(amount);
    currency = cur;
    return this;
  }

  public Calls rejectedBy(String limiter) {
    rejectedBy = limiter;
    return this;
  }

  public CallRecord build() {
    long end = endNanos;
    long start = end == 0 ? 0 : end - Math.round(duration * 1e9);
    return new CallRecord(
        service,
        provider,
        operation,
        requestModel,
        responseModel,
        endpoint,
        difyApp,
        stream,
        "api.example.com",
        443,
        start,
        end,
        duration,
        ttft,
        errorType,
        httpStatus,
        1,
        input,
        output,
        cacheRead,
        cacheWrite,
        reasoning,
        unmetered
            || input == CallRecord.UNKNOWN && output == CallRecord.UNKNOWN && errorType == null,
        price,
        currency,
        Double.NaN,
        rejectedBy);
  }
}
