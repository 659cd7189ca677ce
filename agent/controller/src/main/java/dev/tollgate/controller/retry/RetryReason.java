package dev.tollgate.controller.retry;

import dev.tollgate.controller.policy.ErrorKind;

/** Why a call was retried; {@link #label()} is the metric attribute value. */
public enum RetryReason {
  STATUS_408("408"),
  STATUS_429("429"),
  STATUS_500("500"),
  STATUS_502("502"),
  STATUS_503("503"),
  STATUS_504("504"),
  STATUS_529("529"),
  STATUS_OTHER("other_status"),
  CONNECT_ERROR("connect_error"),
  TIMEOUT("timeout"),
  IO_ERROR("io_error"),
  STREAM_ERROR("stream_error_event");

  private final String label;

  RetryReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  static RetryReason of(int status, ErrorKind kind) {
    switch (kind) {
      case CONNECT:
        return CONNECT_ERROR;
      case TIMEOUT:
        return TIMEOUT;
      case IO:
        return IO_ERROR;
      case STREAM_ERROR:
        return STREAM_ERROR;
      default:
        break;
    }
    switch (status) {
      case 408:
        return STATUS_408;
      case 429:
        return STATUS_429;
      case 500:
        return STATUS_500;
      case 502:
        return STATUS_502;
      case 503:
        return STATUS_503;
      case 504:
        return STATUS_504;
      case 529:
        return STATUS_529;
      default:
        return STATUS_OTHER;
    }
  }
}
