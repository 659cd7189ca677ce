package dev.tollgate.agent.instrumentation.inject;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes through to the client's stream and copies what was written into a {@link RequestCapture}.
 */
public final class CaptureOutputStream extends FilterOutputStream {
  private final RequestCapture capture;

  public CaptureOutputStream(OutputStream out, RequestCapture capture) {
    super(out);
    this.capture = capture;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    capture.append(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    capture.append(b, off, len);
  }
}
