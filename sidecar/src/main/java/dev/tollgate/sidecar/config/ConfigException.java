package dev.tollgate.sidecar.config;

/** A configuration value is missing, unknown or invalid; the message says which and why. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
