package dev.tollgate.agent.core.parse;

import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.nio.ByteBuffer;

/**
 * Watches the bytes of one response as the application reads them and fills in the call's usage,
 * models, first-chunk time and stream errors. Instrumentation feeds it copies or read-only views of
 * exactly the bytes it hands to the application; the tap never changes them.
 *
 * <p>Contract for implementers: no method ever throws; garbage makes the tap give up on this call
 * ({@code call.parseFailed = true}) and ignore the rest; memory per call is bounded whatever the
 * body size.
 *
 * <p>STUB: the real implementation is being written in this package.
 */
public final class ResponseTap {
  private final LlmCall call;

  private ResponseTap(LlmCall call) {
    this.call = call;
  }

  /**
   * @param status HTTP status of the response
   * @param contentType the response's Content-Type header, or null
   * @param contentEncoding the Content-Encoding of the bytes the tap will see (e.g. gzip), or null
   */
  public static ResponseTap create(
      LlmCall call, int status, String contentType, String contentEncoding, NanoClock clock) {
    return new ResponseTap(call);
  }

  public void onBytes(byte[] bytes, int offset, int length) {}

  /** Reads the buffer's remaining bytes without moving its position. */
  public void onBytes(ByteBuffer buffer) {}

  /** The application read the body to its end. */
  public void onEnd() {}

  /** Reading failed or the application closed the body before its end. */
  public void onAbort(boolean byApplication, Throwable cause) {}

  public LlmCall call() {
    return call;
  }
}
