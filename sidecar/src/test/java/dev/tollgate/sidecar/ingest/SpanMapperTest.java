package dev.tollgate.sidecar.ingest;

import static dev.tollgate.sidecar.testing.Otlp.bool;
import static dev.tollgate.sidecar.testing.Otlp.dbl;
import static dev.tollgate.sidecar.testing.Otlp.num;
import static dev.tollgate.sidecar.testing.Otlp.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.aggregate.CallRecord;
import dev.tollgate.sidecar.testing.Otlp;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SpanMapperTest {

  @Test
  void mapsEveryTollgateAttribute() {
    Span span =
        Otlp.call("openai", "gpt-4o")
            .endAt(Instant.parse("2026-03-02T10:00:00Z"))
            .duration(2.5)
            .endpoint("main")
            .attr(str(GenAi.RESPONSE_MODEL, "gpt-4o-2024-08-06"))
            .attr(bool(GenAi.REQUEST_STREAM, true))
            .attr(num(GenAi.USAGE_INPUT_TOKENS, 1000))
            .attr(num(GenAi.USAGE_OUTPUT_TOKENS, 200))
            .attr(num(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, 300))
            .attr(num(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS, 40))
            .attr(num(GenAi.USAGE_REASONING_OUTPUT_TOKENS, 50))
            .attr(dbl(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK, 0.42))
            .attr(str(GenAi.ERROR_TYPE, "stream_truncated"))
            .attr(num(GenAi.HTTP_RESPONSE_STATUS_CODE, 200))
            .attr(num(Tollgate.ATTEMPT, 2))
            .attr(str(Tollgate.DIFY_PRICE, "0.0012345"))
            .attr(str(Tollgate.DIFY_CURRENCY, "USD"))
            .attr(str(Tollgate.DIFY_APP, "app-1"))
            .attr(dbl(Tollgate.WAIT_SECONDS, 0.1))
            .build();
    CallRecord c = SpanMapper.map("checkout", span);
    assertThat(c.service()).isEqualTo("checkout");
    assertThat(c.provider()).isEqualTo("openai");
    assertThat(c.operation()).isEqualTo("chat");
    assertThat(c.model()).isEqualTo("gpt-4o");
    assertThat(c.responseModel()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(c.endpoint()).isEqualTo("main");
    assertThat(c.stream()).isTrue();
    assertThat(c.serverAddress()).isEqualTo("api.example.com");
    assertThat(c.serverPort()).isEqualTo(443);
    assertThat(c.durationSeconds()).isEqualTo(2.5);
    assertThat(c.ttftSeconds()).isEqualTo(0.42);
    assertThat(c.errorType()).isEqualTo("stream_truncated");
    assertThat(c.httpStatus()).isEqualTo(200);
    assertThat(c.attempt()).isEqualTo(2);
    assertThat(c.isRetry()).isTrue();
    assertThat(c.inputTokens()).isEqualTo(1000);
    assertThat(c.outputTokens()).isEqualTo(200);
    assertThat(c.cacheReadTokens()).isEqualTo(300);
    assertThat(c.cacheWriteTokens()).isEqualTo(40);
    assertThat(c.reasoningTokens()).isEqualTo(50);
    assertThat(c.unmetered()).isFalse();
    assertThat(c.difyTotalPrice()).isEqualTo(new BigDecimal("0.0012345"));
    assertThat(c.difyCurrency()).isEqualTo("USD");
    assertThat(c.difyApp()).isEqualTo("app-1");
    assertThat(c.waitSeconds()).isEqualTo(0.1);
    assertThat(c.rejectedBy()).isNull();
  }

  @Test
  void missingTokensStayUnknown() {
    CallRecord c = SpanMapper.map("s", Otlp.call("openai", "m").build());
    assertThat(c.inputTokens()).isEqualTo(CallRecord.UNKNOWN);
    assertThat(c.outputTokens()).isEqualTo(CallRecord.UNKNOWN);
    assertThat(c.cacheReadTokens()).isEqualTo(CallRecord.UNKNOWN);
    assertThat(c.unmetered()).isTrue();
    assertThat(c.ttftSeconds()).isNaN();
    assertThat(c.attempt()).isEqualTo(1);
    CallRecord zero = SpanMapper.map("s", Otlp.call("openai", "m").tokens(0, 0).build());
    assertThat(zero.inputTokens()).isZero();
    assertThat(zero.unmetered()).isFalse();
    CallRecord flagged =
        SpanMapper.map(
            "s", Otlp.call("dify", "").tokens(5, 5).attr(bool(Tollgate.UNMETERED, true)).build());
    assertThat(flagged.unmetered()).isTrue();
  }

  @Test
  void readsTheOpenTelemetryAgentsOpenAiSpans() {
    // openai-java instrumentation before the provider.name rename: gen_ai.system, no tollgate.*.
    Span span =
        Span.newBuilder()
            .setName("chat gpt-4o-mini")
            .setStartTimeUnixNano(1_000_000_000L)
            .setEndTimeUnixNano(1_800_000_000L)
            .addAttributes(str(GenAi.SYSTEM_DEPRECATED, "openai"))
            .addAttributes(str(GenAi.OPERATION_NAME, "chat"))
            .addAttributes(str(GenAi.REQUEST_MODEL, "gpt-4o-mini"))
            .addAttributes(num(GenAi.USAGE_INPUT_TOKENS, 12))
            .addAttributes(num(GenAi.USAGE_OUTPUT_TOKENS, 7))
            .build();
    CallRecord c = SpanMapper.map("svc", span);
    assertThat(c.provider()).isEqualTo("openai");
    assertThat(c.endpoint()).isNull();
    assertThat(c.durationSeconds()).isEqualTo(0.8);
    assertThat(c.errorType()).isNull();
  }

  @Test
  void errorsFromStatusWhenNoErrorType() {
    Span failed =
        Otlp.call("openai", "m").build().toBuilder()
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
            .build();
    assertThat(SpanMapper.map("s", failed).errorType()).isEqualTo("_OTHER");
    Span http503 = Otlp.call("openai", "m").attr(num(GenAi.HTTP_RESPONSE_STATUS_CODE, 503)).build();
    assertThat(SpanMapper.map("s", http503).errorType()).isEqualTo("503");
    assertThat(SpanMapper.map("s", http503).unmetered()).isFalse();
  }

  @Test
  void skipsNonGenAiSpans() {
    Span http =
        Span.newBuilder()
            .setName("GET /")
            .addAttributes(str("http.request.method", "GET"))
            .addAttributes(str(GenAi.REQUEST_MODEL, "looks-like-genai-but-is-not"))
            .build();
    assertThat(SpanMapper.map("s", http)).isNull();
  }

  @Test
  void oddValueTypesAreReadLenientlyOrIgnored() {
    Span span =
        Span.newBuilder()
            .addAttributes(str(GenAi.PROVIDER_NAME, "openai"))
            .addAttributes(str(GenAi.USAGE_INPUT_TOKENS, "123"))
            .addAttributes(dbl(GenAi.USAGE_OUTPUT_TOKENS, 45.0))
            .addAttributes(str(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, "lots"))
            .addAttributes(num(GenAi.USAGE_REASONING_OUTPUT_TOKENS, -5))
            .addAttributes(str(Tollgate.ATTEMPT, "3"))
            .addAttributes(str(Tollgate.DIFY_PRICE, "1e999999999"))
            .addAttributes(dbl(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK, Double.NaN))
            .addAttributes(num(GenAi.SERVER_PORT, 1L << 40))
            .build();
    CallRecord c = SpanMapper.map("s", span);
    assertThat(c.inputTokens()).isEqualTo(123);
    assertThat(c.outputTokens()).isEqualTo(45);
    assertThat(c.cacheReadTokens()).isEqualTo(CallRecord.UNKNOWN);
    assertThat(c.reasoningTokens()).isEqualTo(CallRecord.UNKNOWN);
    assertThat(c.attempt()).isEqualTo(3);
    assertThat(c.difyTotalPrice()).isNull();
    assertThat(c.ttftSeconds()).isNaN();
    assertThat(c.serverPort()).isEqualTo(65535);
    assertThat(c.durationSeconds()).isNaN(); // no timestamps
    assertThat(c.operation()).isEmpty();
  }

  @Test
  void serviceNameDefaultsLikeTheSdks() {
    assertThat(SpanMapper.serviceName(Resource.getDefaultInstance())).isEqualTo("unknown_service");
    assertThat(SpanMapper.serviceName(Resource.newBuilder().addAttributes(str("service.name", "x")).build()))
        .isEqualTo("x");
  }
}
