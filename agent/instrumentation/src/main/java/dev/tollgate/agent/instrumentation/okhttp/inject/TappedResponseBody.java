package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.Okio;

/**
 * The response body the application reads, through a source that taps every byte it gets; with the
 * opt-in include_usage, the tap sees the stream as it came and the application reads it through
 * the usage filter.
 */
final class TappedResponseBody extends ResponseBody {
  private final ResponseBody delegate;
  private final Hooks hooks;
  private final Object call;
  private final Object usageFilter;
  private BufferedSource source;

  /** @param usageFilter the include_usage filter for this body, or null */
  TappedResponseBody(ResponseBody delegate, Hooks hooks, Object call, Object usageFilter) {
    this.delegate = delegate;
    this.hooks = hooks;
    this.call = call;
    this.usageFilter = usageFilter;
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return usageFilter != null ? -1 : delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    BufferedSource s = source;
    if (s == null) {
      okio.Source tapped = new TappingSource(delegate.source(), hooks, call);
      s =
          Okio.buffer(
              usageFilter == null ? tapped : new UsageFilterSource(tapped, hooks, usageFilter));
      source = s;
    }
    return s;
  }
}
