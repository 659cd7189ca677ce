package dev.tollgate.agent.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The two queues between the application's thread and the exporter. */
class SinkQueuesTest {
  private static LlmCall call(int i) {
    return new LlmCall(null, "h", 443, "t", i);
  }

  /** Collects what it is given; can be made to block until released. */
  private static final class Collecting implements CallSink {
    final List<LlmCall> got = new CopyOnWriteArrayList<>();
    final CountDownLatch release;
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicBoolean shutDown = new AtomicBoolean();

    Collecting(boolean blocked) {
      release = new CountDownLatch(blocked ? 1 : 0);
    }

    @Override
    public void record(LlmCall call) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      got.add(call);
    }

    @Override
    public void shutdown() {
      shutDown.set(true);
    }
  }

  @Test
  void theRecorderHandsOnEveryCallAndShutdownDrainsTheRest() {
    Collecting target = new Collecting(false);
    AsyncSink sink = new AsyncSink(target, 1000);
    for (int i = 0; i < 500; i++) {
      sink.record(call(i));
    }
    sink.shutdown();
    assertThat(target.got).hasSize(500);
    assertThat(target.got.get(0).startNanos).isZero();
    assertThat(target.got.get(499).startNanos).isEqualTo(499);
    assertThat(target.shutDown).isTrue();
    assertThat(sink.dropped()).isZero();
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
    Collecting target = new Collecting(true);
    AsyncSink sink = new AsyncSink(target, 10);
    sink.record(call(0));
    assertThat(target.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the recorder is stuck
    for (int i = 1; i < 100; i++) {
      sink.record(call(i));
    }
    assertThat(sink.dropped()).isEqualTo(89);
    target.release.countDown();
    sink.shutdown();
    assertThat(target.got.size() + sink.dropped()).isEqualTo(100);
  }

  @Test
  void callsRecordedBeforeTheRealSinkArriveAreHandedOver() throws Exception {
    DeferredSink deferred = new DeferredSink(3);
    assertThat(deferred.awaitFirstRecord(10, TimeUnit.MILLISECONDS)).isFalse();
    for (int i = 0; i < 5; i++) {
      deferred.record(call(i));
    }
    assertThat(deferred.awaitFirstRecord(0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(deferred.dropped()).isEqualTo(2);

    Collecting target = new Collecting(false);
    deferred.setTarget(target);
    deferred.record(call(9));

    assertThat(target.got).extracting(c -> c.startNanos).containsExactly(0L, 1L, 2L, 9L);
  }

  @Test
  void aWaiterWokenByTheFirstCallFindsIt() throws Exception {
    // The waiter is the SDK's start-up thread; at shutdown it leaves if it finds no call.
    for (int i = 0; i < 200; i++) {
      DeferredSink deferred = new DeferredSink(3);
      boolean[] found = new boolean[1];
      Thread waiter =
          new Thread(
              () -> {
                try {
                  found[0] = deferred.awaitFirstRecord(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      waiter.start();
      deferred.record(call(i));
      waiter.join();
      assertThat(found[0]).as("round %d", i).isTrue();
    }
  }

  @Test
  void wakingUpWithoutACallSaysSo() throws Exception {
    DeferredSink deferred = new DeferredSink(3);
    deferred.wakeUp();
    long t0 = System.nanoTime();
    assertThat(deferred.awaitFirstRecord(10, TimeUnit.SECONDS)).isFalse();
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }
}
