package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.instrumentation.inject.TappedInputStream;
import dev.tollgate.agent.instrumentation.inject.UsageFilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * The response entity the application reads, whose content passes through the call's tap. Closing
 * the entity (the response closed) before the end tells the tracker the application stopped. With
 * the opt-in include_usage, the application reads through the usage filter behind the tap.
 */
final class TappedEntity extends HttpEntityWrapper {
  private final Hooks hooks;
  private final Object call;
  private final Object usageFilter;

  /** @param usageFilter the include_usage filter for this body, or null */
  TappedEntity(HttpEntity entity, Hooks hooks, Object call, Object usageFilter) {
    super(entity);
    this.hooks = hooks;
    this.call = call;
    this.usageFilter = usageFilter;
  }

  @Override
  public InputStream getContent() throws IOException {
    InputStream in = super.getContent();
    if (in == null) {
      return null;
    }
    InputStream tapped = new TappedInputStream(in, hooks, call);
    return usageFilter == null ? tapped : new UsageFilterInputStream(tapped, hooks, usageFilter);
  }

  @Override
  public long getContentLength() {
    return usageFilter == null ? super.getContentLength() : -1;
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
