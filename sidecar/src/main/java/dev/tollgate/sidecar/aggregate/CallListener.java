package dev.tollgate.sidecar.aggregate;

/**
 * Told of every call after it has been aggregated (outside the aggregator's lock, on the ingest
 * thread). The Prometheus exporter is one; costs and budgets (issue 6) plug in here too.
 */
@FunctionalInterface
public interface CallListener {
  /**
   * @param call the call as mapped from its span
   * @param series the series it was counted under: {@link SeriesKey#OTHER} when the cap folded it
   */
  void onCall(CallRecord call, SeriesKey series);
}
