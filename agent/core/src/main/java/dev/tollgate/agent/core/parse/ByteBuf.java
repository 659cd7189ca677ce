package dev.tollgate.agent.core.parse;

/** A growable byte array with a hard cap; appends beyond the cap are refused, not truncated. */
final class ByteBuf {
  private static final int KEEP_ON_CLEAR = 16 * 1024;
  private final int initial;
  private final int max;
  byte[] buf;
  int len;

  ByteBuf(int initial, int max) {
    this.initial = initial;
    this.max = max;
    this.buf = new byte[initial];
  }

  /** Appends all n bytes, or none and returns false when that would pass the cap. */
  boolean append(byte[] b, int off, int n) {
    int need = len + n;
    if (need > max) {
      return false;
    }
    if (need > buf.length) {
      grow(need);
    }
    System.arraycopy(b, off, buf, len, n);
    len = need;
    return true;
  }

  boolean append(byte b) {
    if (len + 1 > max) {
      return false;
    }
    if (len + 1 > buf.length) {
      grow(len + 1);
    }
    buf[len++] = b;
    return true;
  }

  private void grow(int need) {
    int cap = Math.max(buf.length, 64);
    while (cap < need) {
      cap <<= 1;
    }
    byte[] n = new byte[Math.min(cap, max)];
    System.arraycopy(buf, 0, n, 0, len);
    buf = n;
  }

  /** Empties the buffer; a buffer grown large by one big event is dropped, not kept per call. */
  void clear() {
    len = 0;
    if (buf.length > KEEP_ON_CLEAR) {
      buf = new byte[initial];
    }
  }

  int capacity() {
    return buf.length;
  }
}
