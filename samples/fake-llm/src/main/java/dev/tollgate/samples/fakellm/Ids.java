package dev.tollgate.samples.fakellm;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Provider-shaped identifiers; random, not secure (UUID.randomUUID would hit SecureRandom). */
final class Ids {
  private Ids() {}

  private static final char[] ALPHANUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  static String alnum(String prefix, int n) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(prefix.length() + n).append(prefix);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHANUM[r.nextInt(ALPHANUM.length)]);
    }
    return sb.toString();
  }

  static String hex(String prefix, int n) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(prefix.length() + n).append(prefix);
    for (int i = 0; i < n; i++) {
      sb.append(Character.forDigit(r.nextInt(16), 16));
    }
    return sb.toString();
  }

  static String uuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(hi, lo).toString();
  }
}
