package dev.tollgate.samples.loadgen;

/** How a request ended. Everything but OK is an error, reported by this label. */
enum Outcome {
  OK("ok"),
  TIMEOUT("timeout"),
  RATE_LIMITED("429"),
  SERVER_ERROR("5xx"),
  CLIENT_ERROR("4xx"),
  CONNECTION("connection"),
  /** HTTP 200, but the stream carried an error event (OpenAI, Anthropic and Dify all do this). */
  STREAM_ERROR("stream_error"),
  /** 1xx or 3xx as a final answer. */
  OTHER("other");

  final String label;

  Outcome(String label) {
    this.label = label;
  }

  static Outcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return OK;
    }
    if (status == 429) {
      return RATE_LIMITED;
    }
    if (status >= 500) {
      return SERVER_ERROR;
    }
    if (status >= 400) {
      return CLIENT_ERROR;
    }
    return OTHER;
  }
}
