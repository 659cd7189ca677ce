package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.Okio;

/** The response body the application reads, through a source that taps every byte it gets. */
final class TappedResponseBody extends ResponseBody {
  private final ResponseBody delegate;
  private final Hooks hooks;
  private final Object call;
  private BufferedSource source;

  TappedResponseBody(ResponseBody delegate, Hooks hooks, Object call) {
    this.delegate = delegate;
    this.hooks = hooks;
    this.call = call;
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    BufferedSource s = source;
    if (s == null) {
      s = Okio.buffer(new TappingSource(delegate.source(), hooks, call));
      source = s;
    }
    return s;
  }
}
