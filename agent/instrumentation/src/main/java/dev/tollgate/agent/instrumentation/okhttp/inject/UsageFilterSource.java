package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.IOException;
import okio.Buffer;
import okio.Source;
import okio.Timeout;

/**
 * The opt-in include_usage on OkHttp: what the application reads, taken from the agent's usage
 * filter, which is fed from the tapped source (so the tap still sees the usage). A read blocks
 * only until the filter has a whole event to give, never for more than one.
 */
final class UsageFilterSource implements Source {
  private final Source upstream;
  private final Hooks hooks;
  private final Object filter;
  private final Buffer raw = new Buffer();
  private final byte[] scratch = new byte[8192];
  private boolean exhausted;

  UsageFilterSource(Source upstream, Hooks hooks, Object filter) {
    this.upstream = upstream;
    this.hooks = hooks;
    this.filter = filter;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    if (byteCount < 0) {
      throw new IllegalArgumentException("byteCount < 0: " + byteCount);
    }
    if (byteCount == 0) {
      return 0;
    }
    while (true) {
      int n = hooks.usageFilterRead(filter, scratch, 0, (int) Math.min(byteCount, scratch.length));
      if (n > 0) {
        sink.write(scratch, 0, n);
        return n;
      }
      if (exhausted) {
        return -1;
      }
      if (upstream.read(raw, scratch.length) < 0) {
        exhausted = true;
        hooks.usageFilterEnd(filter);
        continue;
      }
      while (raw.size() > 0) {
        int k = raw.read(scratch, 0, scratch.length);
        hooks.usageFilterWrite(filter, scratch, 0, k);
      }
    }
  }

  @Override
  public Timeout timeout() {
    return upstream.timeout();
  }

  @Override
  public void close() throws IOException {
    upstream.close();
  }
}
