package dev.tollgate.sidecar.aggregate;

/**
 * The identity of an aggregated series. Absent values are "" (service: {@code unknown_service}).
 * Values are cut to {@link #MAX_VALUE_LENGTH} characters so one odd span cannot bloat memory.
 */
public record SeriesKey(
    String service,
    String provider,
    String model,
    String endpoint,
    String difyApp,
    String operation) {

  public static final int MAX_VALUE_LENGTH = 128;
  public static final String OTHER_VALUE = "other";

  /** Where calls go once the series cap is reached. */
  public static final SeriesKey OTHER =
      new SeriesKey(OTHER_VALUE, OTHER_VALUE, OTHER_VALUE, OTHER_VALUE, OTHER_VALUE, OTHER_VALUE);

  public SeriesKey {
    service = clean(service);
    provider = clean(provider);
    model = clean(model);
    endpoint = clean(endpoint);
    difyApp = clean(difyApp);
    operation = clean(operation);
  }

  static SeriesKey of(CallRecord c) {
    return new SeriesKey(
        c.service(), c.provider(), c.model(), c.endpoint(), c.difyApp(), c.operation());
  }

  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > MAX_VALUE_LENGTH ? s.substring(0, MAX_VALUE_LENGTH) : s;
  }

  /** The value of one dimension. */
  public String get(Dimension d) {
    return switch (d) {
      case SERVICE -> service;
      case PROVIDER -> provider;
      case MODEL -> model;
      case ENDPOINT -> endpoint;
      case DIFY_APP -> difyApp;
      case OPERATION -> operation;
    };
  }
}
