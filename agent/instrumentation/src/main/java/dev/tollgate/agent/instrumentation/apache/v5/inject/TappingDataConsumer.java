package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;

/** Shows each buffer to the tap (without moving it) before the application's consumer takes it. */
final class TappingDataConsumer implements AsyncDataConsumer {
  private final AsyncDataConsumer delegate;
  private final Hooks hooks;
  private final Object call;

  TappingDataConsumer(AsyncDataConsumer delegate, Hooks hooks, Object call) {
    this.delegate = delegate;
    this.hooks = hooks;
    this.call = call;
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    delegate.updateCapacity(capacityChannel);
  }

  @Override
  public void consume(ByteBuffer src) throws IOException {
    hooks.callBytes(call, src);
    delegate.consume(src);
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
    delegate.streamEnd(trailers);
    hooks.callEnd(call);
  }

  @Override
  public void releaseResources() {
    delegate.releaseResources();
  }
}
