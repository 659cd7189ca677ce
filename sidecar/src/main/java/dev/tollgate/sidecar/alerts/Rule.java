package dev.tollgate.sidecar.alerts;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One alert rule, as loaded from a rules file (or made for a budget's {@code alert_at}).
 *
 * @param name the alert's name ({@code alertname})
 * @param metric what is watched
 * @param filters label -> exact value the metric is restricted to (the rule's scope)
 * @param groupBy labels that split the metric into one alert instance per value combination
 * @param window how far back call and cost metrics look
 * @param comparison how the value is compared with the threshold
 * @param threshold in the metric's unit (ms, ratio, calls, USD)
 * @param forDuration how long the condition must hold before pending turns firing
 * @param keepFiringFor how long a firing alert stays firing after its condition cleared
 * @param resolveMargin hysteresis: a firing alert resolves only once past the threshold by this
 * @param repeatInterval a firing alert is notified again this often; zero for never
 * @param severity {@code critical}, {@code warning}, {@code info} or anything else
 * @param labels extra labels on every instance
 * @param annotations templates: {@code summary}, {@code description}, ...
 * @param minCalls below this many calls in the window, a call or cost metric counts as no data
 * @param receivers receiver names to notify; empty for all
 * @param line where the rule starts in its file; 0 when not from a file
 */
public record Rule(
    String name,
    AlertMetric metric,
    Map<String, String> filters,
    List<String> groupBy,
    Duration window,
    Comparison comparison,
    double threshold,
    Duration forDuration,
    Duration keepFiringFor,
    Margin resolveMargin,
    Duration repeatInterval,
    String severity,
    Map<String, String> labels,
    Map<String, String> annotations,
    long minCalls,
    List<String> receivers,
    int line) {

  /** The hysteresis margin: an absolute amount, or a percentage of the threshold. */
  public record Margin(double amount, boolean percent) {
    public static final Margin DEFAULT = new Margin(10, true);

    double of(double threshold) {
      return percent ? Math.abs(threshold) * amount / 100 : amount;
    }

    @Override
    public String toString() {
      return percent ? Rules.format(amount) + "%" : Rules.format(amount);
    }
  }

  public Rule {
    filters = Map.copyOf(filters);
    groupBy = List.copyOf(groupBy);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    receivers = List.copyOf(receivers);
  }

  public boolean breaches(double value) {
    return comparison.breaches(value, threshold);
  }

  public boolean clears(double value) {
    return comparison.clears(value, threshold, resolveMargin.of(threshold));
  }
}
