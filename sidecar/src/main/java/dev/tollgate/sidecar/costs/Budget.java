package dev.tollgate.sidecar.costs;

import dev.tollgate.sidecar.aggregate.Dimension;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A spending limit over a calendar day or month (in the configured time zone) for a scope.
 *
 * @param name unique; the {@code budget} label of the budget metrics and alerts
 * @param period daily or monthly
 * @param limitUsd the limit, in USD (converted at load when configured in another currency)
 * @param scope dimension -> exact value; empty for all calls
 * @param alertAt percentages of the limit to alert at, beyond the rules file's budget rules
 */
public record Budget(
    String name,
    Period period,
    double limitUsd,
    Map<Dimension, String> scope,
    List<Double> alertAt) {

  public enum Period {
    DAILY,
    MONTHLY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Budget {
    scope = Map.copyOf(scope);
    alertAt = List.copyOf(alertAt);
  }

  /** The scope as text: {@code all}, or {@code service=checkout,model=gpt-4o}. */
  public String scopeText() {
    if (scope.isEmpty()) {
      return "all";
    }
    StringBuilder sb = new StringBuilder();
    for (Dimension d : Dimension.values()) {
      String v = scope.get(d);
      if (v != null) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(d.label()).append('=').append(v);
      }
    }
    return sb.toString();
  }
}
