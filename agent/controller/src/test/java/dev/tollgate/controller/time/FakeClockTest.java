package dev.tollgate.controller.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeClockTest {
  @Test
  void movesOnlyWhenToldAndParkingMovesIt() {
    FakeClock c = new FakeClock(100, 1_000);
    assertThat(c.nanoTime()).isEqualTo(100);
    assertThat(c.epochMillis()).isEqualTo(1_000);
    c.advance(2, TimeUnit.SECONDS);
    assertThat(c.epochMillis()).isEqualTo(3_000);
    c.park(500);
    assertThat(c.nanoTime()).isEqualTo(2_000_000_600L);
    c.park(-5);
    c.advanceTo(5);
    assertThat(c.nanoTime()).isEqualTo(2_000_000_600L);
    assertThatThrownBy(() -> c.advanceNanos(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
