package dev.tollgate.sidecar.ingest;

/** The request body could not be read as what it claimed to be; the message says why. */
public final class BadPayloadException extends Exception {
  public BadPayloadException(String message) {
    super(message);
  }

  public BadPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
