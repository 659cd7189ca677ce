package dev.tollgate.samples.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 framing, fed in every possible split. */
class ResponseParserTest {

  private record Result(ResponseParser parser, BodyAnalyzer body, int consumed) {}

  private static Result parse(String wire, int piece) throws IOException {
    ResponseParser p = new ResponseParser();
    BodyAnalyzer a = new BodyAnalyzer();
    p.reset(a);
    byte[] b = wire.getBytes(StandardCharsets.UTF_8);
    int consumed = 0;
    for (int i = 0; i < b.length && !p.done(); i += piece) {
      consumed += p.feed(b, i, Math.min(piece, b.length - i), i);
    }
    return new Result(p, a, consumed);
  }

  @Test
  void contentLengthBody() throws IOException {
    String wire =
        "HTTP/1.1 200 OK\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 13\r\n\r\n"
            + "{\"a\":\"hello\"}";
    for (int piece = 1; piece <= wire.length(); piece++) {
      Result r = parse(wire, piece);
      assertThat(r.parser.done()).isTrue();
      assertThat(r.parser.status()).isEqualTo(200);
      assertThat(r.parser.keepAlive()).isTrue();
      assertThat(r.parser.sse()).isFalse();
      assertThat(r.body.text()).isEqualTo("{\"a\":\"hello\"}");
    }
  }

  @Test
  void chunkedEventStreamWithExtensionsAndTrailers() throws IOException {
    String wire =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n"
            + "7\r\ndata: a\r\n"
            + "5;ext=1\r\n\n\ndat\r\n"
            + "3\r\na\n\n\r\n"
            + "0\r\nX-Trailer: 1\r\n\r\n";
    for (int piece = 1; piece <= wire.length(); piece++) {
      Result r = parse(wire, piece);
      assertThat(r.parser.done()).as("piece %d", piece).isTrue();
      assertThat(r.parser.sse()).isTrue();
      assertThat(r.body.text()).isEqualTo("data: a\n\ndata\n\n");
      assertThat(r.consumed).isEqualTo(wire.length());
    }
  }

  @Test
  void stopsAtTheEndOfTheResponse() throws IOException {
    String wire =
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}EXTRA";
    Result r = parse(wire, wire.length());
    assertThat(r.parser.status()).isEqualTo(429);
    assertThat(r.parser.keepAlive()).isFalse();
    assertThat(r.consumed).isEqualTo(wire.length() - 5);
  }

  @Test
  void bodyDelimitedByCloseAndHttp10() throws IOException {
    Result r = parse("HTTP/1.0 200 OK\r\n\r\nabc", 4);
    assertThat(r.parser.done()).isFalse();
    assertThat(r.parser.onEof()).isTrue();
    assertThat(r.parser.keepAlive()).isFalse();
    assertThat(r.body.text()).isEqualTo("abc");
  }

  @Test
  void interimResponsesAreSkippedAndNoContentHasNoBody() throws IOException {
    Result r = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 3);
    assertThat(r.parser.done()).isTrue();
    assertThat(r.parser.status()).isEqualTo(204);
  }

  @Test
  void truncatedResponseIsNotComplete() throws IOException {
    Result r = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100);
    assertThat(r.parser.done()).isFalse();
    assertThat(r.parser.onEof()).isFalse();
    assertThat(r.parser.started()).isTrue();
  }

  @Test
  void garbageIsAnError() {
    assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n", 100)).isInstanceOf(IOException.class);
  }
}
