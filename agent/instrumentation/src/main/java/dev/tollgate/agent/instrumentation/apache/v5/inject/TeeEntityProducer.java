package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import java.util.Set;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/** The application's entity producer, copying its first bytes as the channel accepts them. */
final class TeeEntityProducer implements AsyncEntityProducer {
  private final AsyncEntityProducer delegate;
  private final RequestCapture capture;

  TeeEntityProducer(AsyncEntityProducer delegate, RequestCapture capture) {
    this.delegate = delegate;
    this.capture = capture;
  }

  @Override
  public boolean isRepeatable() {
    return delegate.isRepeatable();
  }

  @Override
  public void failed(Exception cause) {
    delegate.failed(cause);
  }

  @Override
  public long getContentLength() {
    return delegate.getContentLength();
  }

  @Override
  public String getContentType() {
    return delegate.getContentType();
  }

  @Override
  public String getContentEncoding() {
    return delegate.getContentEncoding();
  }

  @Override
  public boolean isChunked() {
    return delegate.isChunked();
  }

  @Override
  public Set<String> getTrailerNames() {
    return delegate.getTrailerNames();
  }

  @Override
  public int available() {
    return delegate.available();
  }

  @Override
  public void produce(DataStreamChannel channel) throws IOException {
    delegate.produce(capture.wants() ? new TeeChannel(channel, capture) : channel);
  }

  @Override
  public void releaseResources() {
    delegate.releaseResources();
  }
}
