package dev.tollgate.controller.policy;

/** Validation that names the offending configuration key. */
final class Checks {
  private Checks() {}

  static void check(boolean ok, String key, String message) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + message);
    }
  }
}
