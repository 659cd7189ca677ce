package dev.tollgate.agent.instrumentation.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body stream that feeds the call's tap with exactly the bytes the application reads,
 * when it reads them. End of stream ends the call; a failed read fails it; closing it before the
 * end tells the tracker the application stopped reading (a JSON reader that stopped at the closing
 * brace is recognized there as a complete body). The stream's behaviour is the client's own.
 */
public final class TappedInputStream extends FilterInputStream {
  private final Hooks hooks;
  private final Object call;
  private byte[] one;
  private boolean done;

  public TappedInputStream(InputStream in, Hooks hooks, Object call) {
    super(in);
    this.hooks = hooks;
    this.call = call;
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = in.read();
    } catch (IOException | RuntimeException | Error e) {
      failed(e);
      throw e;
    }
    if (b < 0) {
      end();
    } else if (!done) {
      if (one == null) {
        one = new byte[1];
      }
      one[0] = (byte) b;
      hooks.callBytes(call, one, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException | RuntimeException | Error e) {
      failed(e);
      throw e;
    }
    if (n < 0) {
      end();
    } else if (n > 0 && !done) {
      hooks.callBytes(call, b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes never reach the tap; it treats the gap as a body it could not read.
    return in.skip(n);
  }

  @Override
  public void close() throws IOException {
    if (!done) {
      done = true;
      hooks.callAborted(call);
    }
    in.close();
  }

  private void end() {
    if (!done) {
      done = true;
      hooks.callEnd(call);
    }
  }

  private void failed(Throwable e) {
    if (!done) {
      done = true;
      hooks.callFailed(call, e);
    }
  }
}
