package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/** Copies what the connection accepted from each write into the request capture. */
final class TeeChannel implements DataStreamChannel {
  private final DataStreamChannel delegate;
  private final RequestCapture capture;

  TeeChannel(DataStreamChannel delegate, RequestCapture capture) {
    this.delegate = delegate;
    this.capture = capture;
  }

  @Override
  public void requestOutput() {
    delegate.requestOutput();
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int from = src.position();
    int n = delegate.write(src);
    if (n > 0) {
      capture.append(src, from, n);
    }
    return n;
  }

  @Override
  public void endStream(List<? extends Header> trailers) throws IOException {
    delegate.endStream(trailers);
  }

  @Override
  public void endStream() throws IOException {
    delegate.endStream();
  }
}
