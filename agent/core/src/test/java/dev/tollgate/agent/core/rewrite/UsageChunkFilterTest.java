package dev.tollgate.agent.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import dev.tollgate.agent.core.parse.ResponseTap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the provider sends when asked for usage, through the filter, must be byte for byte what it
 * sends when not asked: for every provider shape, line-ending style and chunking of the reads. The
 * pairs in {@code fixtures/include-usage} are written from the providers' public references.
 */
class UsageChunkFilterTest {
  private static final String[] PROVIDERS = {"openai", "azure", "deepseek", "vllm", "ollama-v1"};

  static Stream<Arguments> pairs() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String p : PROVIDERS) {
      for (String ending : new String[] {"\n", "\r\n", "\r"}) {
        b.add(Arguments.of(p, ending));
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0}, line end {1}")
  @MethodSource("pairs")
  void theApplicationReadsWhatTheProviderSendsUnasked_inEveryChunking(String provider, String eol)
      throws IOException {
    byte[] with = endings(fixture(provider + "-with.sse"), eol);
    byte[] without = endings(fixture(provider + "-without.sse"), eol);
    assertThat(with).isNotEqualTo(without);

    assertThat(filter(with, new int[0])).as("whole").isEqualTo(without);
    assertThat(filter(with, oneByte(with.length))).as("one byte at a time").isEqualTo(without);
    for (int cut = 1; cut < with.length; cut++) {
      assertThat(filter(with, new int[] {cut})).as("split at %d", cut).isEqualTo(without);
    }
    Random random = new Random(provider.hashCode() * 31L + eol.length());
    for (int run = 0; run < 200; run++) {
      assertThat(filter(with, randomSplits(random, with.length, 1 + random.nextInt(40))))
          .as("random run %d", run)
          .isEqualTo(without);
    }
  }

  @ParameterizedTest(name = "{0}, line end {1}")
  @MethodSource("pairs")
  void aStreamThatWasNotAskedPassesUnchanged(String provider, String eol) throws IOException {
    byte[] without = endings(fixture(provider + "-without.sse"), eol);
    assertThat(filter(without, new int[0])).isEqualTo(without);
    assertThat(filter(without, oneByte(without.length))).isEqualTo(without);
  }

  @Test
  void theFixturesSplitInsideMultibyteCharactersAndLineEnds() throws IOException {
    // The every-split runs above cut inside these; make sure they are there to be cut.
    String openai = new String(fixture("openai-with.sse"), StandardCharsets.UTF_8);
    assertThat(openai).contains("Grüße").contains("\uD83D\uDC4B"); // two- and four-byte characters
    assertThat(new String(fixture("deepseek-with.sse"), StandardCharsets.UTF_8)).contains("你好");
    byte[] crlf = endings(fixture("openai-with.sse"), "\r\n");
    byte[] expected = endings(fixture("openai-without.sse"), "\r\n");
    // Cut between every CR and its LF, including the CR that ends the dropped event's blank line.
    int[] cuts = new int[0];
    for (int i = 0; i + 1 < crlf.length; i++) {
      if (crlf[i] == '\r') {
        cuts = append(cuts, i + 1);
      }
    }
    assertThat(cuts.length).isGreaterThan(10);
    assertThat(filter(crlf, cuts)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void theTapStillSeesTheUsageWhileTheApplicationDoesNot(String provider) throws IOException {
    byte[] with = fixture(provider + "-with.sse");
    LlmCall raw = call();
    ResponseTap tap = ResponseTap.create(raw, 200, "text/event-stream", null, NanoClock.SYSTEM);
    UsageChunkFilter f = new UsageChunkFilter();
    ByteArrayOutputStream app = new ByteArrayOutputStream();
    for (int i = 0; i < with.length; i += 7) {
      int n = Math.min(7, with.length - i);
      tap.onBytes(with, i, n); // the tap is fed what the client received
      f.write(with, i, n);
      drainTo(f, app);
    }
    tap.onEnd();
    f.end();
    drainTo(f, app);
    assertThat(raw.inputTokens).as("input tokens").isPositive();
    assertThat(raw.outputTokens).as("output tokens").isPositive();
    assertThat(raw.complete).isTrue();
    assertThat(app.toByteArray()).isEqualTo(fixture(provider + "-without.sse"));
  }

  static Stream<String> providers() {
    return Stream.of(PROVIDERS);
  }

  @Test
  void usageNullIsCutWhereverItStandsAndWithItsOwnSpacing() {
    assertThat(filter("data: {\"usage\":null,\"id\":\"x\",\"choices\":[]}\n\n"))
        .isEqualTo("data: {\"id\":\"x\",\"choices\":[]}\n\n");
    assertThat(filter("data: {\"id\": \"x\", \"usage\": null, \"choices\": [{}]}\n\n"))
        .isEqualTo("data: {\"id\": \"x\", \"choices\": [{}]}\n\n");
    assertThat(filter("data: {\"id\": \"x\", \"usage\" : null }\n\n"))
        .isEqualTo("data: {\"id\": \"x\" }\n\n");
    // A nested usage is not the chunk's: untouched.
    String nested = "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"usage\":null}}]}\n\n";
    assertThat(filter(nested)).isEqualTo(nested);
    // Nor is the text "usage":null inside a string.
    String inString = "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"\\\"usage\\\":null\"}}]}\n\n";
    assertThat(filter(inString)).isEqualTo(inString);
  }

  @Test
  void azuresFirstChunkWithEmptyChoicesAndNoUsageIsKept() {
    String first = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\"}\n\n";
    String usageNullToo = "data: {\"choices\":[],\"id\":\"\",\"usage\":null}\n\n";
    assertThat(filter(first)).isEqualTo(first);
    assertThat(filter(usageNullToo)).isEqualTo("data: {\"choices\":[],\"id\":\"\"}\n\n");
  }

  @Test
  void commentLinesInsideAnEventAreKept() {
    assertThat(filter(": keep-alive\ndata: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n\n"))
        .isEqualTo(": keep-alive\ndata: {\"id\":\"x\",\"choices\":[{}]}\n\n");
    // A usage chunk with a comment cannot be dropped without losing the comment: passed, and
    // editing stops.
    String usage = ": ping\ndata: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n";
    String nullChunk = "data: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n\n";
    assertThat(filter(usage + nullChunk)).isEqualTo(usage + nullChunk);
  }

  @Test
  void errorEventsCommentsAndDonePassUnchanged() {
    String s =
        ": keep-alive\n\n"
            + "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n"
            + "data: [DONE]\n\n"
            + "\n";
    assertThat(filter(s)).isEqualTo(s);
  }

  @Test
  void anUnexpectedShapeStopsTheEditingFromThereOn() {
    String usageChunk = "data: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n";
    String nullChunk = "data: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n\n";
    String[] oddities = {
      // usage of a type no provider sends
      "data: {\"id\":\"x\",\"choices\":[{}],\"usage\":7}\n\n",
      // the chunk split over two data lines (legal SSE, but not the shape this filter edits)
      "data: {\"id\":\"x\",\"choices\":[{}],\n" + "data: \"usage\":null}\n\n",
      // a named event
      "event: chunk\ndata: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n\n",
      // text that is neither JSON nor [DONE]
      "data: hello\n\n",
      // JSON cut short
      "data: {\"id\":\"x\",\"choices\":[{}\n\n",
      // two usage members
      "data: {\"usage\":null,\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n",
      // usage and nothing else
      "data: {\"usage\":null}\n\n",
    };
    for (String odd : oddities) {
      String in = nullChunk + odd + nullChunk + usageChunk + "data: [DONE]\n\n";
      String expected =
          "data: {\"id\":\"x\",\"choices\":[{}]}\n\n" + odd + nullChunk + usageChunk + "data: [DONE]\n\n";
      assertThat(filter(in)).as(odd).isEqualTo(expected);
    }
  }

  @Test
  void anOversizedEventPassesAsItIsAndEndsTheEditing() {
    StringBuilder big = new StringBuilder("data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"");
    while (big.length() < UsageChunkFilter.EVENT_CAP + 10) {
      big.append("0123456789");
    }
    big.append("\"}}],\"usage\":null}\n\n");
    String usageChunk = "data: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n";
    String in = big + usageChunk;
    UsageChunkFilter f = new UsageChunkFilter();
    byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < bytes.length; i += 4096) {
      f.write(bytes, i, Math.min(4096, bytes.length - i));
      drainTo(f, out);
    }
    f.end();
    drainTo(f, out);
    assertThat(f.passingThrough()).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(in);
  }

  @Test
  void aStreamCutOffMidEventEndsWithWhatArrived() {
    String in = "data: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n\ndata: {\"id\":\"x\",\"cho";
    assertThat(filter(in))
        .isEqualTo("data: {\"id\":\"x\",\"choices\":[{}]}\n\ndata: {\"id\":\"x\",\"cho");
  }

  @Test
  void eachEventGoesOutAsSoonAsItsBlankLineArrives() {
    UsageChunkFilter f = new UsageChunkFilter();
    byte[] first = "data: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n".getBytes(StandardCharsets.UTF_8);
    f.write(first, 0, first.length);
    assertThat(f.available()).as("held until the event is complete").isZero();
    f.write(new byte[] {'\n'}, 0, 1);
    assertThat(new String(f.drain(), StandardCharsets.UTF_8))
        .isEqualTo("data: {\"id\":\"x\",\"choices\":[{}]}\n\n");
    // A CR blank line releases the event at once; the LF that may follow goes where it went.
    byte[] cr = "data: [DONE]\r\r".getBytes(StandardCharsets.UTF_8);
    f.write(cr, 0, cr.length);
    assertThat(new String(f.drain(), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\r\r");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static LlmCall call() {
    Route route = new Recognizer(List.of()).recognize("https", "api.openai.com", 443, "/v1/chat/completions");
    LlmCall c = new LlmCall(route, "api.openai.com", 443, "test", 1);
    c.stream = true;
    return c;
  }

  private static String filter(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    String whole = new String(filter(b, new int[0]), StandardCharsets.UTF_8);
    assertThat(new String(filter(b, oneByte(b.length)), StandardCharsets.UTF_8))
        .as("one byte at a time")
        .isEqualTo(whole);
    return whole;
  }

  /** Runs the bytes through a new filter, written in pieces cut at the given offsets. */
  static byte[] filter(byte[] in, int[] cuts) {
    UsageChunkFilter f = new UsageChunkFilter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int cut : cuts) {
      f.write(in, from, cut - from);
      drainTo(f, out);
      from = cut;
    }
    f.write(in, from, in.length - from);
    drainTo(f, out);
    f.end();
    drainTo(f, out);
    return out.toByteArray();
  }

  private static void drainTo(UsageChunkFilter f, ByteArrayOutputStream out) {
    byte[] buf = new byte[5]; // small on purpose: output is taken in several reads
    int n;
    while ((n = f.read(buf, 0, buf.length)) > 0) {
      out.write(buf, 0, n);
    }
  }

  private static int[] oneByte(int length) {
    int[] cuts = new int[Math.max(0, length - 1)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return cuts;
  }

  private static int[] randomSplits(Random random, int length, int pieces) {
    int[] cuts = random.ints(pieces, 1, Math.max(2, length)).sorted().distinct().toArray();
    return cuts;
  }

  private static int[] append(int[] a, int v) {
    int[] r = java.util.Arrays.copyOf(a, a.length + 1);
    r[a.length] = v;
    return r;
  }

  static byte[] endings(byte[] lf, String eol) {
    if (eol.equals("\n")) {
      return lf;
    }
    return new String(lf, StandardCharsets.UTF_8)
        .replace("\n", eol)
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in =
        UsageChunkFilterTest.class.getResourceAsStream("/fixtures/include-usage/" + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return in.readAllBytes();
    }
  }
}
