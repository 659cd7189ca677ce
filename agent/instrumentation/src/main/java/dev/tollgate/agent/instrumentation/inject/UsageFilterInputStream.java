package dev.tollgate.agent.instrumentation.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.IOException;
import java.io.InputStream;

/**
 * The opt-in include_usage on clients that hand the application an {@code InputStream}: the
 * application reads from the agent's usage filter, which is fed from the tapped stream (so the tap
 * still sees the usage the application does not). A read blocks only until the filter has a whole
 * event to give, never for more than one.
 */
public final class UsageFilterInputStream extends InputStream {
  private final InputStream in;
  private final Hooks hooks;
  private final Object filter;
  private final byte[] raw = new byte[8192];
  private byte[] one;
  private boolean exhausted;

  public UsageFilterInputStream(InputStream in, Hooks hooks, Object filter) {
    this.in = in;
    this.hooks = hooks;
    this.filter = filter;
  }

  @Override
  public int read() throws IOException {
    if (one == null) {
      one = new byte[1];
    }
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException();
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      int n = hooks.usageFilterRead(filter, b, off, len);
      if (n > 0) {
        return n;
      }
      if (exhausted) {
        return -1;
      }
      int r = in.read(raw, 0, raw.length);
      if (r < 0) {
        exhausted = true;
        hooks.usageFilterEnd(filter);
      } else if (r > 0) {
        hooks.usageFilterWrite(filter, raw, 0, r);
      }
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
