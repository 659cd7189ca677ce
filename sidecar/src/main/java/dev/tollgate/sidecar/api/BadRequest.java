package dev.tollgate.sidecar.api;

/** A request the client got wrong; becomes a 4xx with the message as JSON. */
final class BadRequest extends RuntimeException {
  final int status;

  BadRequest(String message) {
    this(400, message);
  }

  BadRequest(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
