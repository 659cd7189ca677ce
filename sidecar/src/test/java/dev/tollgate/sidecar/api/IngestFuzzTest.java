package dev.tollgate.sidecar.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.sidecar.App;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.ingest.BadPayloadException;
import dev.tollgate.sidecar.ingest.OtlpCodec;
import dev.tollgate.sidecar.ingest.OtlpProtobufDecoder;
import dev.tollgate.sidecar.ingest.OtlpRoundTripTest;
import dev.tollgate.sidecar.ingest.TraceIngest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import dev.tollgate.sidecar.testing.Otlp;
import dev.tollgate.sidecar.testing.OtlpJsonWriter;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations (fixed seed) of valid OTLP bodies, in both encodings, gzipped or not, sent to
 * both ingest endpoints: nothing may produce a 5xx, and what was stored before must stay.
 */
class IngestFuzzTest {
  private static final long SEED = 20260302L;
  private static final int HTTP_CASES = 3000;
  private static final int CODEC_CASES = 30_000;

  @TempDir Path dir;

  private static List<byte[]> corpus() {
    return List.of(
        RoutesTest.threeCalls().toByteArray(),
        OtlpJsonWriter.traces(RoutesTest.threeCalls()).getBytes(StandardCharsets.UTF_8),
        OtlpRoundTripTest.sampleMetricsForNow().toByteArray(),
        OtlpJsonWriter.metrics(OtlpRoundTripTest.sampleMetricsForNow()).getBytes(StandardCharsets.UTF_8),
        OtlpRoundTripTest.sampleTraces().toByteArray());
  }

  static byte[] mutate(Random r, byte[] in, List<byte[]> corpus) {
    byte[] b = in.clone();
    int rounds = 1 + r.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      switch (r.nextInt(9)) {
        case 0 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length)); // truncate
        case 1 -> { // flip bytes
          for (int k = 0; k < 1 + r.nextInt(8) && b.length > 0; k++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
          }
        }
        case 2 -> { // random byte values
          for (int k = 0; k < 1 + r.nextInt(8) && b.length > 0; k++) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
          }
        }
        case 3 -> { // insert junk
          int at = b.length == 0 ? 0 : r.nextInt(b.length);
          byte[] junk = new byte[1 + r.nextInt(16)];
          r.nextBytes(junk);
          b = splice(b, at, junk);
        }
        case 4 -> { // duplicate a slice
          if (b.length > 2) {
            int from = r.nextInt(b.length - 1);
            int len = 1 + r.nextInt(Math.min(64, b.length - from));
            b = splice(b, r.nextInt(b.length), Arrays.copyOfRange(b, from, from + len));
          }
        }
        case 5 -> { // splice another body
          byte[] other = corpus.get(r.nextInt(corpus.size()));
          int cut = b.length == 0 ? 0 : r.nextInt(b.length);
          b = splice(Arrays.copyOf(b, cut), cut, Arrays.copyOfRange(other, r.nextInt(other.length), other.length));
        }
        case 6 -> { // JSON-ish token swaps
          String s = new String(b, StandardCharsets.ISO_8859_1);
          String[][] swaps = {
            {"\"stringValue\"", "\"intValue\""}, {"\"intValue\"", "\"doubleValue\""},
            {"[", "{"}, {"]", "}"}, {"\"", ""}, {":", ","}, {"\"3\"", "[]"},
            {"\"resourceSpans\"", "\"resourceMetrics\""}, {"true", "\"x\""}, {"{", "[{"},
            {"\"1", "\"-1"}, {"\"kind\":3", "\"kind\":-7"}, {"\"asInt\"", "\"asDouble\""}
          };
          String[] sw = swaps[r.nextInt(swaps.length)];
          s = s.replaceFirst(java.util.regex.Pattern.quote(sw[0]), java.util.regex.Matcher.quoteReplacement(sw[1]));
          b = s.getBytes(StandardCharsets.ISO_8859_1);
        }
        case 7 -> { // pure noise
          b = new byte[r.nextInt(256)];
          r.nextBytes(b);
        }
        default -> { // deep nesting
          String open = r.nextBoolean() ? "[" : "{\"a\":";
          b = (open.repeat(100 + r.nextInt(2000))).getBytes(StandardCharsets.UTF_8);
        }
      }
    }
    return b;
  }

  private static byte[] splice(byte[] b, int at, byte[] insert) {
    byte[] out = new byte[b.length + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at, out, at + insert.length, b.length - at);
    return out;
  }

  @Test
  void codecOnlyEverThrowsBadPayload() {
    OtlpCodec codec = new OtlpCodec();
    List<byte[]> corpus = corpus();
    Random r = new Random(SEED);
    for (int i = 0; i < CODEC_CASES; i++) {
      byte[] body = mutate(r, corpus.get(r.nextInt(corpus.size())), corpus);
      OtlpCodec.Format f = r.nextBoolean() ? OtlpCodec.Format.JSON : OtlpCodec.Format.PROTOBUF;
      try {
        switch (r.nextInt(3)) {
          case 0 -> codec.traces(body, f);
          case 1 -> codec.metrics(body, f);
          default -> differential(codec, body, f);
        }
      } catch (BadPayloadException expected) {
        // fine
      } catch (Throwable t) {
        fail("case " + i + " threw " + t, t);
      }
    }
  }

  /**
   * The streaming protobuf decoder must agree with protobuf-java plus the mapper whenever
   * protobuf-java accepts the body (it may accept more: it does not validate skipped fields).
   */
  private static void differential(OtlpCodec codec, byte[] body, OtlpCodec.Format f)
      throws BadPayloadException {
    ExportTraceServiceRequest parsed;
    try {
      parsed = codec.traces(body, f);
    } catch (BadPayloadException e) {
      codec.calls(body, f); // may throw BadPayloadException too, nothing else
      return;
    }
    OtlpProtobufDecoder.Decoded want = TraceIngest.decode(parsed);
    OtlpProtobufDecoder.Decoded got = codec.calls(body, f);
    assertThat(got.skipped()).isEqualTo(want.skipped());
    assertThat(got.calls()).hasSameSizeAs(want.calls());
    for (int i = 0; i < want.calls().size(); i++) {
      assertThat(got.calls().get(i).toString()).isEqualTo(want.calls().get(i).toString());
      assertThat(got.calls().get(i)).isEqualTo(want.calls().get(i));
    }
  }

  @Test
  void streamingDecoderAgreesOnValidBodies() throws Exception {
    OtlpCodec codec = new OtlpCodec();
    for (ExportTraceServiceRequest req :
        List.of(RoutesTest.threeCalls(), OtlpRoundTripTest.sampleTraces())) {
      differential(codec, req.toByteArray(), OtlpCodec.Format.PROTOBUF);
      assertThat(codec.calls(req.toByteArray(), OtlpCodec.Format.PROTOBUF).calls()).isNotEmpty();
    }
  }

  @Test
  void noMutationProducesA5xxAndStoredDataStays() {
    try (App app = App.create(Config.defaults().withDataDir(dir).withPort(0))) {
      JavalinTest.test(
          app.javalin(),
          (server, client) -> {
            RoutesTest.post(client, "/v1/traces", RoutesTest.threeCalls().toByteArray(), "application/x-protobuf");
            JsonNode before = RoutesTest.json(client.get("/api/v1/summary?service=checkout"));
            assertThat(before.get("calls").asLong()).isEqualTo(3);
            List<byte[]> corpus = corpus();
            Random r = new Random(SEED + 1);
            int accepted = 0;
            for (int i = 0; i < HTTP_CASES; i++) {
              byte[] body = mutate(r, corpus.get(r.nextInt(corpus.size())), corpus);
              boolean gzip = r.nextInt(3) == 0;
              if (gzip) {
                body = Otlp.gzip(body);
                if (r.nextBoolean()) {
                  body = mutate(r, body, corpus); // broken gzip stream
                }
              }
              String type = r.nextBoolean() ? "application/json" : "application/x-protobuf";
              String path = r.nextBoolean() ? "/v1/traces" : "/v1/metrics";
              byte[] sent = body;
              Response resp =
                  RoutesTest.post(
                      client,
                      path,
                      sent,
                      b -> {
                        b.header("Content-Type", type);
                        if (gzip) {
                          b.header("Content-Encoding", "gzip");
                        }
                      });
              assertThat(resp.code())
                  .as("case %d: %s %s gzip=%s -> %s", i, path, type, gzip, resp.body().string())
                  .isLessThan(500);
              if (resp.code() == 200) {
                accepted++;
              } else {
                assertThat(resp.code()).isIn(400, 413);
                assertThat(RoutesTest.json(resp).get("error").asText()).isNotBlank();
              }
            }
            assertThat(accepted).as("some mutations are still valid").isPositive();
            JsonNode after = RoutesTest.json(client.get("/api/v1/summary?service=checkout"));
            assertThat(after.get("calls").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(after.get("tokens").get("input").asLong()).isGreaterThanOrEqualTo(150);
            for (String q : new String[] {"/api/v1/summary?window=24h", "/api/v1/breakdown?by=model",
                "/api/v1/breakdown?by=service", "/api/v1/timeseries?metric=latency_p99&window=24h&step=1h",
                "/metrics", "/healthz"}) {
              assertThat(client.get(q).code()).as(q).isEqualTo(200);
            }
            assertThat(app.flush()).isTrue();
          });
    }
  }
}
