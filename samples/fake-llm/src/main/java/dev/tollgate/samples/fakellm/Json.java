package dev.tollgate.samples.fakellm;

/** Writing JSON strings by hand, for the one response shape hot enough to need it. */
final class Json {
  private Json() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static StringBuilder str(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
