package dev.tollgate.sidecar.alerts;

/** How a rule compares its metric with the threshold. No data (NaN) never breaches. */
public enum Comparison {
  GT(">"),
  GE(">="),
  LT("<"),
  LE("<=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  public static Comparison parse(String s) {
    return switch (s.trim()) {
      case ">", "gt", "above" -> GT;
      case ">=", "ge", "gte" -> GE;
      case "<", "lt", "below" -> LT;
      case "<=", "le", "lte" -> LE;
      default -> null;
    };
  }

  /** True when {@code value} is on the alerting side of {@code threshold}. */
  public boolean breaches(double value, double threshold) {
    if (Double.isNaN(value)) {
      return false;
    }
    return switch (this) {
      case GT -> value > threshold;
      case GE -> value >= threshold;
      case LT -> value < threshold;
      case LE -> value <= threshold;
    };
  }

  /**
   * True when a firing alert may resolve: the value is back past the threshold by at least {@code
   * margin} (hysteresis). With margin 0 this is simply "not breaching". No data clears.
   */
  public boolean clears(double value, double threshold, double margin) {
    if (Double.isNaN(value)) {
      return true;
    }
    return switch (this) {
      case GT -> value <= threshold - margin;
      case GE -> value < threshold - margin;
      case LT -> value >= threshold + margin;
      case LE -> value > threshold + margin;
    };
  }
}
