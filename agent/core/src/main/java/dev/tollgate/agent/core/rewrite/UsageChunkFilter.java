package dev.tollgate.agent.core.rewrite;

/**
 * The response half of the opt-in {@code include_usage}: sits between the client and the
 * application on a stream whose request the agent asked for usage, and takes out exactly what that
 * request made the provider add, so the application reads the stream it would have read without
 * the agent.
 *
 * <p>Server-sent events are framed at the byte level (lines end in LF, CRLF or CR; a blank line
 * ends an event), and each event is held until its blank line, then passed on whole. Every event
 * passes unchanged except:
 *
 * <ul>
 *   <li>the usage chunk (top-level {@code "choices": []} and a {@code usage} object) is dropped,
 *       its blank line included;
 *   <li>the {@code "usage": null} member the provider adds to every other chunk is cut out with
 *       the comma that joined it, byte-exactly as it appears.
 * </ul>
 *
 * A usage object on a chunk that has choices (DeepSeek's last content chunk, sent whether asked or
 * not) is left where it is. Azure's first chunk ({@code "choices": []}, no usage) passes as it is.
 *
 * <p>The filter edits only events of the one shape it knows: a single {@code data:} line holding a
 * JSON object (comment lines beside it are kept; an event to drop must have none). When an event it would have to edit has any other shape (several data lines, other
 * fields, a usage of an unknown type, JSON it cannot walk), or an event grows past {@link
 * #EVENT_CAP}, it passes that event unchanged and every byte after it too; so do events that are
 * not JSON and not {@code [DONE]}. At most one event is held at a time, and the application gets
 * each event as soon as its last byte arrived: time to first chunk is unchanged.
 *
 * <p>Feed input with {@link #write}, end it with {@link #end}, take output with {@link #read}.
 * Never throws. Not thread-safe: one instance per response, used by the thread that reads it.
 */
public final class UsageChunkFilter {
  /** An event longer than this is passed on as it is, and filtering stops. */
  static final int EVENT_CAP = 256 * 1024;

  private static final int KEEP = 1;
  private static final int DROP = 2;
  private static final int CUT = 3;
  private static final int UNEXPECTED = 4;

  private byte[] held = new byte[512];
  private int heldLen;
  private byte[] out = new byte[512];
  private int outStart;
  private int outEnd;

  /** The next byte starts a line. */
  private boolean lineStart = true;

  /** The previous byte was a CR that ended a non-blank line: an LF now belongs to it. */
  private boolean afterCr;

  /**
   * An event just ended on a CR blank line: an LF right after it belongs to that event, and goes
   * where the event went (KEEP or DROP); 0 otherwise.
   */
  private int lfAfterBlank;

  private boolean passThrough;
  private boolean ended;
  private int cutStart;
  private int cutEnd;
  private final JsonScan scan = new JsonScan();

  /** Usage chunks dropped and usage members cut, for tests and diagnostics. */
  int droppedEvents;

  int cutMembers;

  /** Bytes from the client, in order. */
  public void write(byte[] b, int off, int len) {
    if (b == null || len <= 0 || ended) {
      return;
    }
    if (passThrough) {
      emit(b, off, len);
      return;
    }
    int i = off;
    final int end = off + len;
    while (i < end) {
      if (passThrough) {
        emit(b, i, end - i);
        return;
      }
      byte c = b[i];
      if (lfAfterBlank != 0) {
        int went = lfAfterBlank;
        lfAfterBlank = 0;
        if (c == '\n') {
          if (went == KEEP) {
            emit(b, i, 1);
          }
          i++;
          continue;
        }
      }
      if (afterCr) {
        afterCr = false;
        if (c == '\n') {
          keep(b, i, 1);
          i++;
          continue;
        }
      }
      if (c == '\n' || c == '\r') {
        boolean ok = keep(b, i, 1);
        i++;
        if (!ok) {
          continue;
        }
        if (lineStart) {
          boolean kept = dispatch();
          if (c == '\r') {
            lfAfterBlank = kept ? KEEP : DROP;
          }
        } else {
          lineStart = true;
          afterCr = c == '\r';
        }
      } else {
        int j = i + 1;
        while (j < end && b[j] != '\n' && b[j] != '\r') {
          j++;
        }
        lineStart = false;
        keep(b, i, j - i);
        i = j;
      }
    }
  }

  /** The body ended: an event cut short without its blank line passes as it is. */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (heldLen > 0) {
      emit(held, 0, heldLen);
      heldLen = 0;
    }
  }

  /** Bytes ready for the application. */
  public int available() {
    return outEnd - outStart;
  }

  /** Moves up to {@code len} ready bytes into {@code dst}; returns how many (0 when none). */
  public int read(byte[] dst, int off, int len) {
    int n = Math.min(len, outEnd - outStart);
    if (n <= 0) {
      return 0;
    }
    System.arraycopy(out, outStart, dst, off, n);
    outStart += n;
    if (outStart == outEnd) {
      outStart = 0;
      outEnd = 0;
    }
    return n;
  }

  /** All ready bytes in a new array, or null when there are none. */
  public byte[] drain() {
    int n = available();
    if (n == 0) {
      return null;
    }
    byte[] r = new byte[n];
    read(r, 0, n);
    return r;
  }

  /** True once the filter stopped editing and passes everything on as it comes. */
  public boolean passingThrough() {
    return passThrough;
  }

  // ---- framing -------------------------------------------------------------------------------

  /** Holds bytes of the current event; past the cap, gives up and passes them on. */
  private boolean keep(byte[] b, int off, int n) {
    if (hold(b, off, n)) {
      return true;
    }
    giveUp();
    emit(b, off, n);
    return false;
  }

  private boolean hold(byte[] b, int off, int n) {
    int need = heldLen + n;
    if (need > EVENT_CAP) {
      return false;
    }
    if (need > held.length) {
      byte[] g = new byte[Math.min(EVENT_CAP, Math.max(need, held.length * 2))];
      System.arraycopy(held, 0, g, 0, heldLen);
      held = g;
    }
    System.arraycopy(b, off, held, heldLen, n);
    heldLen = need;
    return true;
  }

  /** Stops editing: what is held goes out as it is, and so does everything after it. */
  private void giveUp() {
    passThrough = true;
    if (heldLen > 0) {
      emit(held, 0, heldLen);
      heldLen = 0;
    }
    held = new byte[0];
  }

  /** The held event is complete: passes it on, edited or not. Returns false when it was dropped. */
  private boolean dispatch() {
    int n = heldLen;
    int verdict;
    try {
      verdict = decide(held, n);
    } catch (RuntimeException e) {
      verdict = UNEXPECTED;
    }
    heldLen = 0;
    switch (verdict) {
      case DROP:
        droppedEvents++;
        return false;
      case CUT:
        cutMembers++;
        emit(held, 0, cutStart);
        emit(held, cutEnd, n - cutEnd);
        return true;
      case UNEXPECTED:
        emit(held, 0, n);
        giveUp();
        return true;
      default:
        emit(held, 0, n);
        return true;
    }
  }

  // ---- the decision for one event ------------------------------------------------------------

  /** Looks at one complete event, b[0, n), its blank line included. */
  private int decide(byte[] b, int n) {
    int dataLines = 0;
    int comments = 0;
    int otherLines = 0;
    int dataFrom = -1;
    int dataTo = -1;
    int i = 0;
    while (i < n) {
      int eol = i;
      while (eol < n && b[eol] != '\n' && b[eol] != '\r') {
        eol++;
      }
      if (eol > i) {
        if (isField(b, i, eol, "data")) {
          dataLines++;
          int v = i + 4;
          if (v < eol) {
            v++; // the colon
          }
          if (v < eol && b[v] == ' ') {
            v++;
          }
          dataFrom = v;
          dataTo = eol;
        } else if (b[i] == ':') {
          comments++;
        } else {
          otherLines++; // event:, id:, retry:, unknown fields
        }
      }
      // Past this line's end: CRLF counts as one.
      i = eol + (eol + 1 < n && b[eol] == '\r' && b[eol + 1] == '\n' ? 2 : 1);
    }
    if (dataLines == 0) {
      return KEEP; // keep-alive comments, a blank line
    }
    if (dataLines > 1 || otherLines > 0) {
      return UNEXPECTED;
    }
    if (isDone(b, dataFrom, dataTo)) {
      return KEEP;
    }
    int verdict = chunk(b, dataFrom, dataTo);
    // Dropping the event would drop its comment lines too, which the provider sends unasked.
    return verdict == DROP && comments > 0 ? UNEXPECTED : verdict;
  }

  /** {@code name:} at the line's start (the colon may be missing when the value is empty). */
  private static boolean isField(byte[] b, int from, int eol, String name) {
    int n = name.length();
    if (eol - from < n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[from + k] != name.charAt(k)) {
        return false;
      }
    }
    return from + n == eol || b[from + n] == ':';
  }

  private static boolean isDone(byte[] b, int from, int to) {
    int i = JsonScan.ws(b, from, to);
    int e = to;
    while (e > i && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
      e--;
    }
    return e - i == 6
        && b[i] == '['
        && b[i + 1] == 'D'
        && b[i + 2] == 'O'
        && b[i + 3] == 'N'
        && b[i + 4] == 'E'
        && b[i + 5] == ']';
  }

  /** One chunk's JSON object in b[from, to). */
  private int chunk(byte[] b, int from, int to) {
    JsonScan s = scan;
    if (!s.start(b, from, to)) {
      return UNEXPECTED;
    }
    int members = 0;
    int usages = 0;
    int choices = 0;
    boolean choicesEmpty = false;
    boolean choicesArray = false;
    int usageKind = 0; // 1 null, 2 object, 3 anything else
    int previousValueEnd = -1;
    int usageKeyStart = -1;
    int usageValueEnd = -1;
    int usageAfterPrevious = -1;
    int nextKeyStart = -1;
    int r;
    while ((r = s.next()) == JsonScan.MEMBER) {
      members++;
      if (usages == 1 && nextKeyStart < 0 && usageKeyStart >= 0) {
        nextKeyStart = s.keyStart;
      }
      if (s.keyIs("usage")) {
        usages++;
        usageKeyStart = s.keyStart;
        usageValueEnd = s.valueEnd;
        usageAfterPrevious = previousValueEnd;
        usageKind = s.valueIs("null") ? 1 : s.valueIsObject() ? 2 : 3;
      } else if (s.keyIs("choices")) {
        choices++;
        choicesArray = s.valueIsArray();
        choicesEmpty = choicesArray && s.valueIsEmptyArray();
      }
      previousValueEnd = s.valueEnd;
    }
    if (r != JsonScan.END) {
      return UNEXPECTED;
    }
    int tail = JsonScan.ws(b, s.close + 1, to);
    if (tail != to) {
      return UNEXPECTED;
    }
    if (usages == 0) {
      return KEEP;
    }
    if (usages > 1 || choices > 1 || usageKind == 3) {
      return UNEXPECTED;
    }
    if (usageKind == 1) {
      if (members < 2) {
        return UNEXPECTED;
      }
      if (usageAfterPrevious >= 0) {
        // ...,"usage":null  : from the end of the member before it.
        cutStart = usageAfterPrevious;
        cutEnd = usageValueEnd;
      } else {
        // {"usage":null,...  : up to the next member's key.
        cutStart = usageKeyStart;
        cutEnd = nextKeyStart;
      }
      return CUT;
    }
    if (choices == 1 && choicesEmpty) {
      return DROP;
    }
    if (choices == 1 && choicesArray) {
      return KEEP; // usage on a content chunk (DeepSeek): it would be there unasked
    }
    return UNEXPECTED;
  }

  private void emit(byte[] b, int off, int n) {
    if (n <= 0) {
      return;
    }
    int need = outEnd + n;
    if (need > out.length) {
      if (outStart > 0 && need - outStart <= out.length) {
        System.arraycopy(out, outStart, out, 0, outEnd - outStart);
      } else {
        byte[] g = new byte[Math.max(need - outStart, out.length * 2)];
        System.arraycopy(out, outStart, g, 0, outEnd - outStart);
        out = g;
      }
      outEnd -= outStart;
      outStart = 0;
    }
    System.arraycopy(b, off, out, outEnd, n);
    outEnd += n;
  }
}
