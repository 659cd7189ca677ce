package dev.tollgate.sidecar.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns UTF-8 bytes into Strings, returning the same String for the same bytes within one request.
 * An export repeats the same keys and values (attribute names, models, services) hundreds of
 * times; reusing one String saves decoding and allocation, and its cached hash code makes the
 * mapper's switch and the series map lookups cheap. Bounded: short strings only, a fixed table,
 * and a full probe sequence simply decodes without caching. Invalid UTF-8 is rejected, as
 * protobuf's own string reader does.
 */
final class Utf8Cache {
  private static final int SIZE = 1024; // a power of two
  private static final int MAX_CACHED_LENGTH = 128;
  private static final int PROBES = 8;

  private final byte[][] keys = new byte[SIZE][];
  private final String[] values = new String[SIZE];

  String get(ByteBuffer bytes) throws CharacterCodingException {
    int len = bytes.remaining();
    if (len == 0) {
      return "";
    }
    if (len > MAX_CACHED_LENGTH || !bytes.hasArray()) {
      return decode(bytes);
    }
    byte[] a = bytes.array();
    int off = bytes.arrayOffset() + bytes.position();
    int h = 1;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + a[i];
    }
    h ^= h >>> 16;
    for (int p = 0; p < PROBES; p++) {
      int slot = (h + p) & (SIZE - 1);
      byte[] k = keys[slot];
      if (k == null) {
        String s = decode(bytes);
        keys[slot] = Arrays.copyOfRange(a, off, off + len);
        values[slot] = s;
        return s;
      }
      if (k.length == len && Arrays.equals(k, 0, len, a, off, off + len)) {
        return values[slot];
      }
    }
    return decode(bytes);
  }

  private static String decode(ByteBuffer bytes) throws CharacterCodingException {
    CharBuffer chars =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bytes.duplicate());
    return chars.toString();
  }
}
