package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.IOException;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * Feeds the call's tap with each read's bytes as they arrive. The end of the body ends the call, a
 * failed read fails it, and closing before the end tells the tracker the application stopped.
 */
final class TappingSource extends ForwardingSource {
  private final Hooks hooks;
  private final Object call;
  private boolean done;
  private byte[] scratch;
  private Buffer copy;

  TappingSource(Source delegate, Hooks hooks, Object call) {
    super(delegate);
    this.hooks = hooks;
    this.call = call;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    long n;
    try {
      n = super.read(sink, byteCount);
    } catch (Throwable t) {
      if (!done) {
        done = true;
        hooks.callFailed(call, t);
      }
      throw t;
    }
    if (n < 0) {
      if (!done) {
        done = true;
        hooks.callEnd(call);
      }
    } else if (n > 0 && !done) {
      feed(sink, n);
    }
    return n;
  }

  private void feed(Buffer sink, long n) {
    try {
      if (scratch == null) {
        scratch = new byte[8192];
        copy = new Buffer();
      }
      sink.copyTo(copy, sink.size() - n, n);
      while (copy.size() > 0) {
        int k = copy.read(scratch, 0, scratch.length);
        if (k <= 0) {
          break;
        }
        hooks.callBytes(call, scratch, 0, k);
      }
    } catch (Throwable ignored) {
      try {
        copy.clear();
      } catch (Throwable alsoIgnored) {
        // nothing more to do
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (!done) {
      done = true;
      hooks.callAborted(call);
    }
    super.close();
  }
}
