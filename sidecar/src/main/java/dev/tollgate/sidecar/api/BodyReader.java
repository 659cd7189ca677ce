package dev.tollgate.sidecar.api;

import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body with a size limit that also applies after gzip decompression (a small
 * gzip bomb must not fill the heap). Over the limit: 413; a broken gzip stream: 400.
 */
final class BodyReader {
  private final long limit;

  BodyReader(long limit) {
    this.limit = limit;
  }

  byte[] read(Context ctx) {
    String length = ctx.header("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limit) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new BadRequest("invalid Content-Length");
      }
    }
    byte[] raw;
    try {
      raw = readLimited(ctx.bodyInputStream());
    } catch (IOException e) {
      throw new BadRequest("could not read the request body: " + e.getMessage());
    }
    String encoding = ctx.header("Content-Encoding");
    if (encoding == null) {
      return raw;
    }
    switch (encoding.trim().toLowerCase(Locale.ROOT)) {
      case "", "identity":
        return raw;
      case "gzip", "x-gzip":
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 8192)) {
          return readLimited(in);
        } catch (ZipException | EOFException e) {
          throw new BadRequest("invalid gzip body: " + e.getMessage());
        } catch (IOException e) {
          throw new BadRequest("invalid gzip body: " + e);
        }
      default:
        throw new BadRequest(415, "unsupported Content-Encoding '" + encoding + "' (use gzip)");
    }
  }

  private byte[] readLimited(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > limit) {
        throw tooLarge();
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private BadRequest tooLarge() {
    return new BadRequest(413, "request body larger than " + limit + " bytes");
  }
}
