package dev.tollgate.agent.core.parse;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip or deflate body on the side: the application gets the compressed bytes as it
 * asked for them, and the tap inflates its own copy in steps through a fixed output buffer, so
 * memory stays bounded whatever the ratio. The gzip header is parsed here (its optional fields make
 * {@code GZIPInputStream} unusable on pushed bytes); the payload goes to a raw {@link Inflater}.
 * "deflate" is zlib-wrapped per the RFC, but some servers send it raw: the first two bytes tell
 * which.
 */
final class Inflating extends Framer {
  private static final int OUT = 16 * 1024;

  // gzip member parse states
  private static final int FIXED = 0; // 10 fixed header bytes
  private static final int XLEN = 1;
  private static final int EXTRA = 2;
  private static final int FNAME = 3;
  private static final int FCOMMENT = 4;
  private static final int FHCRC = 5;
  private static final int BODY = 6;
  private static final int TRAILER = 7;
  private static final int SNIFF = 8; // deflate: first two bytes decide zlib or raw
  private static final int DONE = 9;
  private static final int PLAIN = 10; // declared gzip, but the bytes were already decoded

  private final Framer next;
  private final ResponseTap tap;
  private final boolean gzip;
  private Inflater inflater;
  private byte[] out = new byte[OUT];
  private int state;
  private int count;
  private int flags;
  private int xlen;
  private final byte[] sniff = new byte[2];

  Inflating(Framer next, ResponseTap tap, boolean gzip) {
    this.next = next;
    this.tap = tap;
    this.gzip = gzip;
    this.state = gzip ? FIXED : SNIFF;
  }

  @Override
  void write(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    try {
      while (i < end && !tap.isDone()) {
        switch (state) {
          case BODY:
            i = inflate(b, i, end);
            break;
          case SNIFF:
            sniff[count++] = b[i++];
            if (count == 2) {
              int b0 = sniff[0] & 0xff;
              int b1 = sniff[1] & 0xff;
              boolean zlib = (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
              inflater = new Inflater(!zlib);
              state = BODY;
              inflater.setInput(sniff, 0, 2);
              pump();
            }
            break;
          case DONE:
            return; // bytes after the deflate stream: ignored
          case PLAIN:
            next.write(b, i, end - i);
            return;
          default:
            i = header(b, i, end);
        }
      }
    } catch (DataFormatException e) {
      tap.garbage();
    }
  }

  /** Feeds b[i, end) to the inflater; returns where the deflate stream ended, or end. */
  private int inflate(byte[] b, int i, int end) throws DataFormatException {
    inflater.setInput(b, i, end - i);
    pump();
    if (inflater.finished()) {
      int used = (end - i) - inflater.getRemaining();
      inflater.reset();
      state = gzip ? TRAILER : DONE;
      count = 0;
      return i + used;
    }
    return end;
  }

  private void pump() throws DataFormatException {
    while (!tap.isDone()) {
      int n = inflater.inflate(out, 0, out.length);
      if (n > 0) {
        next.write(out, 0, n);
      }
      if (n == 0) {
        if (inflater.needsDictionary()) {
          throw new DataFormatException("preset dictionary");
        }
        return;
      }
    }
  }

  /** The gzip member header and trailer, one byte at a time (they are a few bytes long). */
  private int header(byte[] b, int i, int end) {
    int c = b[i++] & 0xff;
    switch (state) {
      case FIXED:
        if ((count == 0 && c != 0x1f) || (count == 1 && c != 0x8b) || (count == 2 && c != 8)) {
          if (inflater != null && count == 0) {
            state = DONE; // padding after a complete member
            return end;
          }
          if (inflater == null && count == 0) {
            // No gzip magic at all: a client that decompresses transparently (OkHttp) and a
            // header that still says gzip. The magic is unambiguous, so read the bytes as they are.
            state = PLAIN;
            return i - 1;
          }
          tap.garbage();
          return end;
        }
        if (count == 3) {
          flags = c;
        }
        if (++count == 10) {
          count = 0;
          nextOptional(XLEN);
        }
        return i;
      case XLEN:
        xlen |= c << (8 * count);
        if (++count == 2) {
          count = 0;
          if (xlen == 0) {
            nextOptional(FNAME);
          } else {
            state = EXTRA;
          }
        }
        return i;
      case EXTRA:
        if (++count == xlen) {
          count = 0;
          nextOptional(FNAME);
        }
        return i;
      case FNAME:
        if (c == 0) {
          nextOptional(FCOMMENT);
        }
        return i;
      case FCOMMENT:
        if (c == 0) {
          nextOptional(FHCRC);
        }
        return i;
      case FHCRC:
        if (++count == 2) {
          count = 0;
          nextOptional(BODY);
        }
        return i;
      case TRAILER:
        // CRC32 and ISIZE: not checked; the application reads the same bytes and will complain.
        if (++count == 8) {
          count = 0;
          xlen = 0;
          state = FIXED; // another member may follow
        }
        return i;
      default:
        return end;
    }
  }

  /** Moves to the first optional header part at or after {@code from} that the flags announce. */
  private void nextOptional(int from) {
    int s = from;
    if (s == XLEN && (flags & 4) == 0) {
      s = FNAME;
    }
    if (s == FNAME && (flags & 8) == 0) {
      s = FCOMMENT;
    }
    if (s == FCOMMENT && (flags & 16) == 0) {
      s = FHCRC;
    }
    if (s == FHCRC && (flags & 2) == 0) {
      s = BODY;
    }
    if (s == BODY && inflater == null) {
      inflater = new Inflater(true);
    }
    state = s;
  }

  @Override
  void end() {
    if (!tap.isDone()) {
      next.end();
    }
  }

  @Override
  boolean endIfComplete() {
    return next.endIfComplete();
  }

  @Override
  void release() {
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
    out = null;
    next.release();
  }

  @Override
  int retainedBytes() {
    return (out == null ? 0 : out.length) + next.retainedBytes();
  }
}
