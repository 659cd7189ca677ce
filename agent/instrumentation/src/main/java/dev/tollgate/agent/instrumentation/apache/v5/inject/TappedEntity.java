package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.instrumentation.inject.TappedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * The response entity the application reads, whose content passes through the call's tap. Closing
 * the entity (the response closed) before the end tells the tracker the application stopped.
 */
final class TappedEntity extends HttpEntityWrapper {
  private final Hooks hooks;
  private final Object call;

  TappedEntity(HttpEntity entity, Hooks hooks, Object call) {
    super(entity);
    this.hooks = hooks;
    this.call = call;
  }

  @Override
  public InputStream getContent() throws IOException {
    InputStream in = super.getContent();
    return in == null ? null : new TappedInputStream(in, hooks, call);
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    try (InputStream in = getContent()) {
      if (in != null) {
        in.transferTo(out);
      }
    }
  }

  @Override
  public void close() throws IOException {
    hooks.callAborted(call); // no-op when the body already ended
    super.close();
  }
}
