package dev.tollgate.agent.core.parse;

import java.nio.charset.StandardCharsets;

/**
 * Server-sent events framing at the byte level, per the WHATWG spec: lines end in LF, CRLF or CR
 * (Gemini uses CRLF), {@code :} starts a comment (DeepSeek's {@code : keep-alive}), {@code data:}
 * with or without the space, several data lines joined by LF, {@code event:} names, and a blank
 * line dispatches. A block without data (Dify's {@code event: ping}) dispatches nothing.
 *
 * <p>Bytes are copied straight into the event's data buffer and handed on only when the event is
 * complete, so a UTF-8 character split across reads is never decoded in halves. The scan runs over
 * whole runs of bytes in this one method, with no call per byte. An event whose data passes the cap
 * is dropped (and counted) while framing carries on.
 */
final class SseFramer extends Framer {
  private static final int LINE_START = 0;
  private static final int NAME = 1;
  private static final int VALUE_START = 2;
  private static final int VALUE = 3;

  private static final int F_IGNORE = 0;
  private static final int F_DATA = 1;
  private static final int F_EVENT = 2;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final ResponseTap tap;

  /** Bytes of a leading byte-order mark matched so far; 3 once past the start. */
  private int bom;

  private ByteBuf data = new ByteBuf(1024, ResponseTap.EVENT_CAP);
  private final byte[] name = new byte[8];
  private int nameLen;
  private boolean nameOverflow;
  private final byte[] event = new byte[64];
  private int eventLen;
  private boolean eventOverflow;

  private int state = LINE_START;
  private int field;

  /** The previous byte was CR: a following LF belongs to the same line end. */
  private boolean skipLf;

  private boolean dataSeen;
  private boolean oversized;

  /** A known field, comment or blank line was seen: the body is SSE. */
  private boolean sawSse;

  /** Field lines that are neither SSE fields nor comments: a sign the body is not SSE at all. */
  int unknownLines;

  int oversizedEvents;

  // Event names repeat; keep the last few decoded ones so dispatch rarely allocates.
  private final String[] names = new String[8];
  private int nextName;

  SseFramer(ResponseTap tap) {
    this.tap = tap;
  }

  @Override
  void write(byte[] b, int off, int len) {
    int i = off;
    final int end = off + len;
    // The spec strips one leading UTF-8 byte-order mark.
    while (bom < 3 && i < end) {
      if (b[i] != BOM[bom]) {
        bom = 3;
        break;
      }
      bom++;
      i++;
    }
    while (i < end) {
      if (skipLf) {
        skipLf = false;
        if (b[i] == '\n') {
          i++;
          continue;
        }
      }
      switch (state) {
        case LINE_START:
          {
            byte c = b[i];
            if (c == '\n' || c == '\r') {
              sawSse = true;
              skipLf = c == '\r';
              i++;
              dispatch();
              if (tap.isDone()) {
                return;
              }
              break;
            }
            nameLen = 0;
            nameOverflow = false;
            if (c == ':') {
              sawSse = true;
              field = F_IGNORE; // comment line
              state = VALUE;
              i++;
            } else {
              state = NAME;
            }
            break;
          }
        case NAME:
          {
            int j = i;
            while (j < end) {
              byte d = b[j];
              if (d == ':' || d == '\n' || d == '\r') {
                break;
              }
              j++;
            }
            appendName(b, i, j - i);
            if (j == end) {
              i = j;
              break;
            }
            field = resolveField();
            if (tap.isDone()) {
              return;
            }
            if (b[j] == ':') {
              state = VALUE_START;
            } else {
              // A field line without a colon has an empty value ("data" alone adds a blank line).
              startValue();
              skipLf = b[j] == '\r';
              state = LINE_START;
            }
            i = j + 1;
            break;
          }
        case VALUE_START:
          state = VALUE;
          startValue();
          if (b[i] == ' ') {
            i++;
          }
          break;
        default: // VALUE
          {
            int j = ByteScan.lineEnd(b, i, end);
            appendValue(b, i, j - i);
            if (j < end) {
              skipLf = b[j] == '\r';
              state = LINE_START;
              i = j + 1;
            } else {
              i = j;
            }
          }
      }
    }
  }

  private void appendName(byte[] b, int off, int n) {
    if (nameLen + n > name.length) {
      nameOverflow = true;
      n = Math.max(0, name.length - nameLen);
    }
    System.arraycopy(b, off, name, nameLen, n);
    nameLen += n;
  }

  private int resolveField() {
    if (!nameOverflow) {
      if (is("data")) {
        sawSse = true;
        return F_DATA;
      }
      if (is("event")) {
        sawSse = true;
        return F_EVENT;
      }
      if (is("id") || is("retry")) {
        sawSse = true;
        return F_IGNORE;
      }
    }
    unknownLines++;
    if (!sawSse) {
      tap.garbage(); // the body does not start like SSE at all (an HTML page, JSON, binary)
    }
    return F_IGNORE;
  }

  private boolean is(String s) {
    if (nameLen != s.length()) {
      return false;
    }
    for (int k = 0; k < nameLen; k++) {
      if (name[k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private void startValue() {
    if (field == F_DATA) {
      if (dataSeen && !oversized && !data.append((byte) '\n')) {
        oversized = true;
      }
      dataSeen = true;
    } else if (field == F_EVENT) {
      eventLen = 0;
      eventOverflow = false;
    }
  }

  private void appendValue(byte[] b, int off, int n) {
    if (n == 0) {
      return;
    }
    if (field == F_DATA) {
      if (!oversized && !data.append(b, off, n)) {
        oversized = true;
        data.clear();
      }
    } else if (field == F_EVENT) {
      int room = event.length - eventLen;
      if (n > room) {
        eventOverflow = true;
        n = room;
      }
      System.arraycopy(b, off, event, eventLen, n);
      eventLen += n;
    }
  }

  private void dispatch() {
    if (dataSeen) {
      if (oversized) {
        oversizedEvents++;
      } else {
        tap.value(data.buf, 0, data.len, eventName());
      }
    }
    if (data.len > 0 || oversized) {
      data.clear();
    }
    dataSeen = false;
    oversized = false;
    eventLen = 0;
    eventOverflow = false;
  }

  private String eventName() {
    if (eventLen == 0 || eventOverflow) {
      return null;
    }
    for (String s : names) {
      if (s != null && matches(s)) {
        return s;
      }
    }
    String s = new String(event, 0, eventLen, StandardCharsets.UTF_8);
    names[nextName] = s;
    nextName = (nextName + 1) & (names.length - 1);
    return s;
  }

  private boolean matches(String s) {
    if (s.length() != eventLen) {
      return false;
    }
    for (int k = 0; k < eventLen; k++) {
      if (event[k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * At EOF an event without its closing blank line is, per the spec, discarded. We still dispatch
   * it when its last line was complete: some servers end on a single newline. A line cut in the
   * middle is dropped.
   */
  @Override
  void end() {
    if (state == LINE_START && dataSeen) {
      dispatch();
    }
  }

  @Override
  void release() {
    data = new ByteBuf(0, 0);
  }

  @Override
  int retainedBytes() {
    return data.capacity() + name.length + event.length;
  }
}
