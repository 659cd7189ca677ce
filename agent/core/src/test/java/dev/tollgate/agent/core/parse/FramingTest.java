package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SSE framing, gzip/deflate decoding and garbage handling, independent of any one provider. */
class FramingTest {
  private static final String CHAT = "https://api.openai.com/v1/chat/completions";
  private static final String ANTHROPIC = "https://api.anthropic.com/v1/messages";

  private static String chunk(String content) {
    return "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content
        + "\"},\"finish_reason\":null}]}";
  }

  private static final String USAGE =
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
          + "\"completion_tokens\":4,\"total_tokens\":7}}";

  @Test
  @DisplayName("pitfall 7: LF, CRLF and lone CR line ends, mixed in one stream")
  void lineEndings() {
    String body =
        "data: "
            + chunk("a")
            + "\r\n\r\n"
            + "data: "
            + chunk("b")
            + "\r\r"
            + "data: "
            + USAGE
            + "\n\n"
            + "data: [DONE]\r\n\r\n";
    LlmCall c = TapRun.of(CHAT).sse().stream().body(body).run();
    assertThat(c.inputTokens).isEqualTo(3);
    assertThat(c.outputTokens).isEqualTo(4);
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfall 7: multi-line data is joined with LF; comments, id and retry ignored")
  void multiLineDataAndIgnoredFields() {
    String body =
        ": this is a comment\n"
            + "retry: 3000\n"
            + "id: 42\n"
            + "data: {\"id\":\"c1\",\"model\":\"m\",\n"
            + "data:\"choices\":[],\n"
            + "data:  \"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n"
            + "\n"
            + "data\n"
            + "\n"
            + "data: [DONE]\n\n";
    LlmCall c = TapRun.of(CHAT).sse().stream().body(body).run();
    assertThat(c.inputTokens).isEqualTo(3);
    assertThat(c.outputTokens).isEqualTo(4);
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfall 7: event names come from the event: line when the JSON has no type")
  void eventNameLine() {
    // Anthropic's "type" is also in the JSON; drop it to prove the event: line is used.
    String body =
        "event: message_start\n"
            + "data: {\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\","
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
            + "event: message_delta\n"
            + "data: {\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
            + "event: message_stop\n"
            + "data: {}\n\n";
    LlmCall c = TapRun.of(ANTHROPIC).sse().stream().body(body).run();
    assertThat(c.inputTokens).isEqualTo(10);
    assertThat(c.outputTokens).isEqualTo(5);
    assertThat(c.complete).isTrue();
    assertThat(c.firstChunkNanos).isNotZero();
  }

  @Test
  @DisplayName("pitfall 7: a multi-byte character split across reads is decoded whole")
  void utf8SplitAcrossReads() {
    String body =
        "data: " + chunk("日本語 👋 Grüße") + "\n\n" + "data: " + USAGE + "\n\n" + "data: [DONE]\n\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int emoji = body.indexOf('👋');
    int cut = new String(body.substring(0, emoji)).getBytes(StandardCharsets.UTF_8).length + 2;
    TapRun t = TapRun.of(CHAT).sse().stream().body(bytes);
    LlmCall call = t.newCall();
    ResponseTap tap = ResponseTap.create(call, 200, "text/event-stream", null, () -> 7);
    tap.onBytes(bytes, 0, cut); // ends inside the 4-byte emoji
    tap.onBytes(bytes, cut, bytes.length - cut);
    tap.onEnd();
    assertThat(call.parseFailed).isFalse();
    assertThat(call.outputTokens).isEqualTo(4);
    assertThat(call.firstChunkNanos).isEqualTo(7);
    t.run(); // and every other chunking agrees
  }

  @Test
  @DisplayName("an oversized event is skipped and counted; framing carries on")
  void oversizedEventSkipped() {
    StringBuilder huge = new StringBuilder();
    while (huge.length() < ResponseTap.EVENT_CAP + 1000) {
      huge.append("lorem ipsum dolor sit amet ");
    }
    String body =
        "data: "
            + chunk(huge.toString())
            + "\n\n"
            + "data: "
            + chunk("small")
            + "\n\n"
            + "data: "
            + USAGE
            + "\n\n"
            + "data: [DONE]\n\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    LlmCall call = TapRun.of(CHAT).sse().stream().body(bytes).newCall();
    ResponseTap tap = ResponseTap.create(call, 200, "text/event-stream", null, () -> 5);
    int max = 0;
    for (int i = 0; i < bytes.length; i += 4096) {
      tap.onBytes(bytes, i, Math.min(4096, bytes.length - i));
      max = Math.max(max, tap.retainedBytes());
    }
    assertThat(tap.skippedOversized()).isEqualTo(1);
    tap.onEnd();
    assertThat(call.outputTokens).isEqualTo(4);
    assertThat(call.complete).isTrue();
    assertThat(call.firstChunkNanos).as("taken at the small chunk").isEqualTo(5);
    assertThat(max).isLessThanOrEqualTo(ResponseTap.EVENT_CAP + 1024);
    assertThat(tap.retainedBytes()).as("released at the end").isLessThan(1024);
  }

  @Test
  void lastEventWithoutBlankLineAtEof() {
    // Some servers end on a single newline; the complete last line is still dispatched.
    String body = "data: " + chunk("a") + "\n\ndata: " + USAGE + "\n\ndata: [DONE]\n";
    LlmCall c = TapRun.of(CHAT).sse().stream().body(body).run();
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("gzip: header with FEXTRA, FNAME, FCOMMENT and FHCRC; two members")
  void gzipHeaderOptionsAndMembers() {
    String first = "data: " + chunk("a") + "\n\n";
    String second = "data: " + USAGE + "\n\ndata: [DONE]\n\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeGzipMember(out, first.getBytes(StandardCharsets.UTF_8), 0x04 | 0x08 | 0x10 | 0x02);
    writeGzipMember(out, second.getBytes(StandardCharsets.UTF_8), 0x08);
    TapRun t = TapRun.of(CHAT).sse().stream().encoding("gzip").body(out.toByteArray());
    LlmCall c = t.run();
    assertThat(c.outputTokens).isEqualTo(4);
    assertThat(c.complete).isTrue();
  }

  @Test
  void rawDeflateWithoutZlibWrapper() {
    byte[] plain = TapRun.fixtureBytes("openai/chat-blocking.json");
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(plain);
    d.finish();
    byte[] buf = new byte[plain.length + 64];
    int n = d.deflate(buf);
    d.end();
    byte[] raw = java.util.Arrays.copyOf(buf, n);
    LlmCall c = TapRun.of(CHAT).json().encoding("deflate").body(raw).run();
    assertThat(c.outputTokens).isEqualTo(310);
  }

  @Test
  @DisplayName("a body declared gzip but already decoded (no gzip magic) is read as plain")
  void gzipDeclaredButPlain() {
    LlmCall json =
        TapRun.of(CHAT).json().encoding("gzip").fixture("openai/chat-blocking.json").run();
    assertThat(json.outputTokens).isEqualTo(310);
    LlmCall sse =
        TapRun.of(CHAT).sse().stream()
            .encoding("gzip")
            .fixture("openai/chat-stream-usage.sse")
            .run();
    assertThat(sse.outputTokens).isEqualTo(10);
    assertThat(sse.complete).isTrue();
  }

  @Test
  @DisplayName("a leading UTF-8 byte-order mark is skipped (SSE spec; JSON)")
  void byteOrderMark() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    for (String fixture :
        new String[] {"openai/chat-stream-usage.sse", "openai/chat-blocking.json"}) {
      byte[] plain = TapRun.fixtureBytes(fixture);
      byte[] withBom = new byte[plain.length + 3];
      System.arraycopy(bom, 0, withBom, 0, 3);
      System.arraycopy(plain, 0, withBom, 3, plain.length);
      TapRun t = TapRun.of(CHAT).body(withBom);
      LlmCall c = (fixture.endsWith(".sse") ? t.sse().stream() : t.json()).run();
      assertThat(c.inputTokens).as(fixture).isEqualTo(19);
    }
    byte[] nd = TapRun.fixtureBytes("ollama/chat-stream.ndjson");
    byte[] ndBom = new byte[nd.length + 3];
    System.arraycopy(bom, 0, ndBom, 0, 3);
    System.arraycopy(nd, 0, ndBom, 3, nd.length);
    LlmCall o =
        TapRun.of("http://localhost:11434/api/chat").contentType("application/x-ndjson").stream()
            .body(ndBom)
            .run();
    assertThat(o.outputTokens).isEqualTo(282);
  }

  @Test
  void corruptGzipGivesUp() {
    byte[] gz = TapRun.gzip(TapRun.fixtureBytes("openai/chat-blocking.json"));
    for (int i = 20; i < 60; i++) {
      gz[i] ^= 0x5a;
    }
    LlmCall c = TapRun.of(CHAT).json().encoding("gzip").body(gz).garbage().run();
    assertThat(c.parseFailed).isTrue();
  }

  @Test
  void unsupportedEncodingIsNotParsed() {
    LlmCall c =
        TapRun.of(CHAT)
            .json()
            .encoding("br")
            .body(new byte[] {0x1b, 0x2f, 0x00, 0x11})
            .garbage()
            .run();
    assertThat(c.parseFailed).isTrue();
    assertThat(c.inputTokens).isEqualTo(LlmCall.UNKNOWN);
  }

  @Test
  @DisplayName("garbage: an HTML error page from a proxy")
  void htmlErrorPage() {
    LlmCall c =
        TapRun.of(CHAT)
            .status(502)
            .contentType("text/html")
            .fixture("garbage/502.html")
            .garbage()
            .run();
    assertThat(c.parseFailed).isTrue();
    assertThat(c.errorCode).isNull();
  }

  @Test
  @DisplayName("garbage: HTML with a 200, as JSON and as event-stream")
  void html200() {
    LlmCall asJson =
        TapRun.of(CHAT)
            .contentType("text/html; charset=utf-8")
            .fixture("garbage/captive-portal.html")
            .garbage()
            .run();
    assertThat(asJson.parseFailed).isTrue();
    LlmCall asSse =
        TapRun.of(CHAT).sse().stream().fixture("garbage/captive-portal.html").garbage().run();
    assertThat(asSse.parseFailed).isTrue();
    assertThat(asSse.errorType).as("garbage is not called truncation").isNull();
  }

  @Test
  void binaryGarbage() {
    byte[] b = new byte[5000];
    new java.util.Random(3).nextBytes(b);
    b[0] = (byte) 0x89; // PNG-like
    LlmCall c = TapRun.of(CHAT).json().body(b).garbage().run();
    assertThat(c.parseFailed).isTrue();
    LlmCall nd =
        TapRun.of("http://localhost:11434/api/chat").contentType("application/x-ndjson").stream()
            .body(b)
            .garbage()
            .run();
    assertThat(nd.parseFailed).isTrue();
  }

  @Test
  void malformedJsonEventGivesUp() {
    String body = "data: {\"id\":\"c1\",\"choices\":[}\n\ndata: " + USAGE + "\n\n";
    LlmCall c = TapRun.of(CHAT).sse().stream().body(body).garbage().run();
    assertThat(c.parseFailed).isTrue();
    assertThat(c.inputTokens).as("parsing stopped").isEqualTo(LlmCall.UNKNOWN);
  }

  @Test
  void emptyBody() {
    LlmCall blocking = TapRun.of(CHAT).json().body("").run();
    assertThat(blocking.complete).isTrue();
    LlmCall stream = TapRun.of(CHAT).sse().stream().body("").run();
    assertThat(stream.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
  }

  @Test
  @DisplayName("bounded memory: a 50 MiB embeddings body, usage and model salvaged from its tail")
  void fiftyMegabyteBody() {
    LlmCall call =
        new LlmCall(route(Route.Api.OPENAI_EMBEDDINGS), "api.openai.com", 443, "test", 0);
    ResponseTap tap = ResponseTap.create(call, 200, "application/json", null, () -> 1);
    byte[] head =
        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":["
            .getBytes(StandardCharsets.US_ASCII);
    byte[] block = new byte[64 * 1024];
    byte[] number = "-0.0069292834,".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < block.length; i++) {
      block[i] = number[i % number.length];
    }
    byte[] tail =
        ("0.1]}],\"model\":\"text-embedding-3-large\",\"usage\":{\"prompt_tokens\":8191,"
                + "\"total_tokens\":8191}}\n")
            .getBytes(StandardCharsets.US_ASCII);
    tap.onBytes(head, 0, head.length);
    long total = head.length;
    int max = 0;
    // 50 MiB of vector in blocks that end mid-number
    while (total < 50L * 1024 * 1024) {
      tap.onBytes(block, 0, block.length);
      total += block.length;
      max = Math.max(max, tap.retainedBytes());
    }
    tap.onBytes(tail, 0, tail.length);
    int beforeEnd = tap.retainedBytes();
    tap.onEnd();
    assertThat(max)
        .as("never more than the whole-body cap")
        .isLessThanOrEqualTo(ResponseTap.BODY_CAP + 256);
    assertThat(beforeEnd)
        .as("past the cap only a head and a tail are held")
        .isLessThanOrEqualTo(ResponseTap.HEAD_CAP + ResponseTap.TAIL_CAP + 256);
    assertThat(call.parseFailed).isFalse();
    assertThat(call.inputTokens).isEqualTo(8191);
    assertThat(call.outputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(call.responseModel).isEqualTo("text-embedding-3-large");
    assertThat(call.complete).isTrue();
  }

  @Test
  void bigChatBodyModelFromHeadUsageFromTail() {
    StringBuilder sb = new StringBuilder();
    sb.append(
            "{\"id\":\"chatcmpl-big\",\"object\":\"chat.completion\",\"model\":\"gpt-4.1-2025-04-14\",")
        .append("\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
    while (sb.length() < 3 * 1024 * 1024) {
      sb.append("A \\\"quoted\\\" usage word, and \\\"usage\\\": {fake} text. ");
    }
    sb.append("\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":12,")
        .append("\"completion_tokens\":32768,\"total_tokens\":32780}}");
    LlmCall c = TapRun.of(CHAT).json().body(sb.toString()).noCompressedVariants().run();
    assertThat(c.responseModel).isEqualTo("gpt-4.1-2025-04-14");
    assertThat(c.responseId).isEqualTo("chatcmpl-big");
    assertThat(c.inputTokens).isEqualTo(12);
    assertThat(c.outputTokens).isEqualTo(32768);
    assertThat(c.finishReason).isEqualTo("length");
  }

  @Test
  @DisplayName("abort: a JSON client that stops at the closing brace did read a complete body")
  void abortAfterCompleteBlockingBody() {
    byte[] b = TapRun.fixtureBytes("openai/chat-blocking.json");
    LlmCall call = new LlmCall(route(Route.Api.OPENAI_CHAT), "h", 443, "t", 0);
    ResponseTap tap = ResponseTap.create(call, 200, "application/json", null, () -> 1);
    tap.onBytes(b, 0, b.length - 1); // everything but the trailing newline
    tap.onAbort(true, null);
    assertThat(call.errorType).isNull();
    assertThat(call.complete).isTrue();
    assertThat(call.outputTokens).isEqualTo(310);
  }

  @Test
  void abortMidBlockingBody() {
    byte[] b = TapRun.fixtureBytes("openai/chat-blocking.json");
    LlmCall call = new LlmCall(route(Route.Api.OPENAI_CHAT), "h", 443, "t", 0);
    ResponseTap tap = ResponseTap.create(call, 200, "application/json", null, () -> 1);
    tap.onBytes(b, 0, b.length / 2);
    tap.onAbort(true, null);
    assertThat(call.errorType).isEqualTo(ErrorTypes.CLIENT_ABORTED);
    assertThat(call.complete).isFalse();
  }

  @Test
  void abortMidStreamByApplicationAndByFailure() {
    byte[] b = TapRun.fixtureBytes("openai/chat-stream-usage.sse");
    LlmCall byApp = new LlmCall(route(Route.Api.OPENAI_CHAT), "h", 443, "t", 0);
    ResponseTap t1 = ResponseTap.create(byApp, 200, "text/event-stream", null, () -> 1);
    t1.onBytes(b, 0, b.length / 2);
    t1.onAbort(true, null);
    assertThat(byApp.errorType).isEqualTo(ErrorTypes.CLIENT_ABORTED);
    assertThat(byApp.complete).isFalse();

    LlmCall byIo = new LlmCall(route(Route.Api.OPENAI_CHAT), "h", 443, "t", 0);
    ResponseTap t2 = ResponseTap.create(byIo, 200, "text/event-stream", null, () -> 1);
    t2.onBytes(b, 0, b.length / 2);
    t2.onAbort(false, new java.io.IOException("reset"));
    assertThat(byIo.errorType).as("left to the instrumentation").isNull();
    assertThat(byIo.complete).isFalse();
  }

  @Test
  void closeAfterDoneIsNotAnAbort() {
    byte[] b = TapRun.fixtureBytes("openai/chat-stream-usage.sse");
    LlmCall call = new LlmCall(route(Route.Api.OPENAI_CHAT), "h", 443, "t", 0);
    ResponseTap tap = ResponseTap.create(call, 200, "text/event-stream", null, () -> 1);
    tap.onBytes(b, 0, b.length);
    tap.onAbort(true, null);
    assertThat(call.errorType).isNull();
    assertThat(call.complete).isTrue();
  }

  @Test
  @DisplayName("no method throws, whatever it is given")
  void neverThrows() {
    ResponseTap nullCall = ResponseTap.create(null, 200, null, null, null);
    nullCall.onBytes(new byte[] {1}, 0, 1);
    nullCall.onBytes((java.nio.ByteBuffer) null);
    nullCall.onEnd();
    nullCall.onAbort(true, null);
    assertThat(nullCall.call()).isNull();

    LlmCall noRoute = new LlmCall(null, "h", 1, "t", 0);
    ResponseTap tap = ResponseTap.create(noRoute, 200, "text/event-stream", "gzip", null);
    tap.onBytes(null, 0, 10);
    tap.onBytes(new byte[3], 2, 10); // out of bounds
    tap.onBytes(new byte[3], -1, 1);
    tap.onEnd();
    tap.onEnd();
    tap.onAbort(true, null);
    tap.onBytes(new byte[] {'{'}, 0, 1);
    assertThat(noRoute.parseFailed).isTrue();
  }

  @Test
  void endIsIdempotentAndLaterBytesIgnored() {
    byte[] b = TapRun.fixtureBytes("openai/chat-blocking.json");
    LlmCall call = new LlmCall(route(Route.Api.OPENAI_CHAT), "h", 443, "t", 0);
    ResponseTap tap = ResponseTap.create(call, 200, "application/json", null, () -> 1);
    tap.onBytes(b, 0, b.length);
    tap.onEnd();
    call.outputTokens = 999;
    tap.onBytes(b, 0, b.length);
    tap.onEnd();
    tap.onAbort(true, null);
    assertThat(call.outputTokens).isEqualTo(999);
    assertThat(call.errorType).isNull();
  }

  static Route route(Route.Api api) {
    return new Route(Provider.OPENAI, api, "chat", null, null);
  }

  private static void writeGzipMember(ByteArrayOutputStream out, byte[] data, int flags) {
    List<Integer> header = new ArrayList<>();
    int[] fixed = {0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255};
    for (int v : fixed) {
      header.add(v);
    }
    if ((flags & 0x04) != 0) {
      header.add(3);
      header.add(0);
      header.add((int) 'a');
      header.add((int) 'b');
      header.add((int) 'c');
    }
    if ((flags & 0x08) != 0) {
      for (char ch : "stream.sse".toCharArray()) {
        header.add((int) ch);
      }
      header.add(0);
    }
    if ((flags & 0x10) != 0) {
      for (char ch : "a comment".toCharArray()) {
        header.add((int) ch);
      }
      header.add(0);
    }
    byte[] h = new byte[header.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = (byte) (int) header.get(i);
    }
    out.write(h, 0, h.length);
    if ((flags & 0x02) != 0) {
      CRC32 crc = new CRC32();
      crc.update(h);
      long v = crc.getValue();
      out.write((int) (v & 0xff));
      out.write((int) ((v >> 8) & 0xff));
    }
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    d.finish();
    byte[] buf = new byte[data.length + 64];
    int n = d.deflate(buf);
    d.end();
    out.write(buf, 0, n);
    CRC32 crc = new CRC32();
    crc.update(data);
    long v = crc.getValue();
    for (int i = 0; i < 4; i++) {
      out.write((int) ((v >> (8 * i)) & 0xff));
    }
    for (int i = 0; i < 4; i++) {
      out.write((data.length >> (8 * i)) & 0xff);
    }
  }
}
