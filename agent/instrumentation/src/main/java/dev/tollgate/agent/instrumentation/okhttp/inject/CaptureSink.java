package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import okio.Buffer;
import okio.ForwardingSink;
import okio.Sink;

/** Passes writes through and copies the first bytes into the request capture. */
final class CaptureSink extends ForwardingSink {
  private final RequestCapture capture;
  private byte[] scratch;

  CaptureSink(Sink delegate, RequestCapture capture) {
    super(delegate);
    this.capture = capture;
  }

  @Override
  public void write(Buffer source, long byteCount) throws IOException {
    if (capture.wants() && byteCount > 0) {
      try {
        copy(source, byteCount);
      } catch (Throwable ignored) {
        // the application's bytes go out regardless
      }
    }
    super.write(source, byteCount);
  }

  private void copy(Buffer source, long byteCount) throws IOException {
    if (scratch == null) {
      scratch = new byte[8192];
    }
    Buffer head = new Buffer();
    source.copyTo(head, 0, Math.min(byteCount, 64 * 1024));
    while (head.size() > 0 && capture.wants()) {
      int k = head.read(scratch, 0, scratch.length);
      if (k <= 0) {
        break;
      }
      capture.append(scratch, 0, k);
    }
    head.clear();
  }
}
