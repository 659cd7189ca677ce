package dev.tollgate.agent.it.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

final class Reading {
  private Reading() {}

  static byte[] read(InputStream in, ClientAdapter.Read mode) throws IOException {
    if (mode == ClientAdapter.Read.ALL) {
      return in.readAllBytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64];
    int n = in.read(buf);
    if (n > 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
