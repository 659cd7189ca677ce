package dev.tollgate.agent.instrumentation.apache.v4.inject;

import dev.tollgate.agent.instrumentation.inject.CaptureOutputStream;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.http.HttpEntity;
import org.apache.http.entity.HttpEntityWrapper;

/** The application's request entity, copying its first bytes as the client writes them out. */
final class TeeEntity extends HttpEntityWrapper {
  private final RequestCapture capture;

  TeeEntity(HttpEntity entity, RequestCapture capture) {
    super(entity);
    this.capture = capture;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    super.writeTo(capture.wants() ? new CaptureOutputStream(out, capture) : out);
  }
}
