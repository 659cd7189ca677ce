package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.Okio;

/**
 * The application's request body, unchanged, with a copy of its first bytes taken while OkHttp
 * writes it to the network. Never writes the body a second time on its own: a body may be one-shot.
 * Everything else is the application's body's answer.
 */
final class TeeRequestBody extends RequestBody {
  private final RequestBody delegate;
  private final RequestCapture capture;

  TeeRequestBody(RequestBody delegate, Hooks hooks, Object call) {
    this.delegate = delegate;
    this.capture = new RequestCapture(hooks, call);
  }

  static boolean isDuplex(RequestBody body) {
    try {
      return body.isDuplex();
    } catch (Throwable t) {
      return false; // OkHttp before 3.14 has no duplex bodies
    }
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() throws IOException {
    return delegate.contentLength();
  }

  @Override
  public boolean isOneShot() {
    try {
      return delegate.isOneShot();
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public boolean isDuplex() {
    return false;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    if (!capture.wants()) {
      delegate.writeTo(sink);
      return;
    }
    BufferedSink tee = Okio.buffer(new CaptureSink(sink, capture));
    delegate.writeTo(tee);
    tee.emit();
  }

  void handOver() {
    capture.handOver();
  }
}
