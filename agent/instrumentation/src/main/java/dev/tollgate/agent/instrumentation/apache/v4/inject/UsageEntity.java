package dev.tollgate.agent.instrumentation.apache.v4.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.apache.http.HttpEntity;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.entity.HttpEntityWrapper;

/**
 * The opt-in include_usage on Apache HttpClient 4: the application's entity, when it is repeatable,
 * not streaming, unencoded and of known length under 64 KiB, is written once more into memory and
 * sent as the rewritten bytes, with its own content type and chunking; the protocol stage below
 * computes the new Content-Length. The application's entity is put back afterwards.
 */
final class UsageEntity extends HttpEntityWrapper {
  private static final int MAX_BODY = 64 * 1024;
  private final byte[] body;

  private UsageEntity(HttpEntity original, byte[] body) {
    super(original);
    this.body = body;
  }

  /** The entity to send instead, or null to send the application's. */
  static HttpEntity rewrite(Hooks hooks, Object call, HttpRequestWrapper request, HttpEntity entity) {
    try {
      if (entity == null) {
        return null;
      }
      URI uri = request.getURI();
      if (uri == null
          || !hooks.callMayAddUsage(
              call, uri.getRawPath(), uri.getRawQuery(), new HeaderLookup(request))) {
        return null;
      }
      long length = entity.getContentLength();
      if (!entity.isRepeatable()
          || entity.isStreaming()
          || entity.getContentEncoding() != null
          || length <= 0
          || length >= MAX_BODY) {
        return null;
      }
      ByteArrayOutputStream copy = new ByteArrayOutputStream((int) length);
      entity.writeTo(copy);
      byte[] bytes = copy.toByteArray();
      if (bytes.length != length) {
        return null;
      }
      byte[] rewritten = hooks.callAddUsage(call, bytes, 0, bytes.length);
      return rewritten == null ? null : new UsageEntity(entity, rewritten);
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  public long getContentLength() {
    return body.length;
  }

  @Override
  public boolean isRepeatable() {
    return true;
  }

  @Override
  public boolean isStreaming() {
    return false;
  }

  @Override
  public InputStream getContent() {
    return new ByteArrayInputStream(body);
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    out.write(body);
    out.flush();
  }
}
