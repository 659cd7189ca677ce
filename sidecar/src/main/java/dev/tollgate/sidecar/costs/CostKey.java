package dev.tollgate.sidecar.costs;

import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.aggregate.SeriesKey;

/**
 * The dimensions costs are kept by: a series without its operation. Built from the {@link
 * SeriesKey} the aggregator counted the call under, so the series cap bounds it too.
 */
public record CostKey(
    String service, String provider, String model, String endpoint, String difyApp) {

  public static CostKey of(SeriesKey k) {
    return new CostKey(k.service(), k.provider(), k.model(), k.endpoint(), k.difyApp());
  }

  /** The value of a dimension; "" for {@link Dimension#OPERATION}, which costs do not keep. */
  public String get(Dimension d) {
    return switch (d) {
      case SERVICE -> service;
      case PROVIDER -> provider;
      case MODEL -> model;
      case ENDPOINT -> endpoint;
      case DIFY_APP -> difyApp;
      case OPERATION -> "";
    };
  }
}
