package dev.tollgate.controller.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;

  /** 2026-10-21T07:28:00Z. */
  private static final long NOW =
      ZonedDateTime.parse("2026-10-21T07:28:00Z").toInstant().toEpochMilli();

  @Test
  void seconds() {
    assertThat(RetryAfter.parseRetryAfter("120", NOW)).isEqualTo(120 * S);
    assertThat(RetryAfter.parseRetryAfter(" 0 ", NOW)).isZero();
    assertThat(RetryAfter.parseRetryAfter("1.5", NOW)).isEqualTo(1_500 * MS);
  }

  @Test
  void httpDates() {
    assertThat(RetryAfter.parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", NOW)).isEqualTo(30 * S);
    // RFC 850 and asctime, which HTTP/1.1 recipients must still accept.
    assertThat(RetryAfter.parseRetryAfter("Wednesday, 21-Oct-26 07:28:10 GMT", NOW))
        .isEqualTo(10 * S);
    assertThat(RetryAfter.parseRetryAfter("Wed Oct 21 07:28:05 2026", NOW)).isEqualTo(5 * S);
    // A date in the past means "now".
    assertThat(RetryAfter.parseRetryAfter("Wed, 21 Oct 2026 07:00:00 GMT", NOW)).isZero();
  }

  @Test
  void retryAfterMsWinsAndAcceptsFractions() {
    assertThat(RetryAfter.parseRetryAfterMs("1500")).isEqualTo(1_500 * MS);
    assertThat(RetryAfter.parseRetryAfterMs("20.5")).isEqualTo(20_500_000L);
    assertThat(RetryAfter.fromHeaders("250", "10", NOW)).isEqualTo(250 * MS);
    assertThat(RetryAfter.fromHeaders(null, "10", NOW)).isEqualTo(10 * S);
    assertThat(RetryAfter.fromHeaders("garbage", "10", NOW)).isEqualTo(10 * S);
    assertThat(RetryAfter.fromHeaders(null, null, NOW)).isEqualTo(-1);
  }

  @Test
  void garbageIsIgnored() {
    assertThat(RetryAfter.parseRetryAfter("soon", NOW)).isEqualTo(-1);
    assertThat(RetryAfter.parseRetryAfter("-5", NOW)).isEqualTo(-1);
    assertThat(RetryAfter.parseRetryAfter("", NOW)).isEqualTo(-1);
    assertThat(RetryAfter.parseRetryAfter(null, NOW)).isEqualTo(-1);
    assertThat(RetryAfter.parseRetryAfter("1e3", NOW)).isEqualTo(-1);
    assertThat(RetryAfter.parseRetryAfterMs("NaN")).isEqualTo(-1);
  }

  @Test
  void geminiRetryDelay() {
    assertThat(RetryAfter.parseProtoDuration("37s")).isEqualTo(37 * S);
    assertThat(RetryAfter.parseProtoDuration("0.5s")).isEqualTo(500 * MS);
    assertThat(RetryAfter.parseProtoDuration("1.000340012s")).isEqualTo(1_000_340_012L);
    assertThat(RetryAfter.parseProtoDuration("37")).isEqualTo(-1);
    assertThat(RetryAfter.parseProtoDuration(null)).isEqualTo(-1);
    String body =
        "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
            + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\": \"37s\"}]}}";
    assertThat(RetryAfter.findRetryDelayInBody(body)).isEqualTo(37 * S);
    assertThat(RetryAfter.findRetryDelayInBody("{\"error\":{}}")).isEqualTo(-1);
    assertThat(RetryAfter.findRetryDelayInBody("{\"retryDelay\": 37}")).isEqualTo(-1);
  }
}
