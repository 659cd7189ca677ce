package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters behind {@code GET /admin/stats}. */
final class Stats {
  final LongAdder requests = new LongAdder();
  final LongAdder streams = new LongAdder();
  final LongAdder resets = new LongAdder();
  final LongAdder hangs = new LongAdder();
  final LongAdder promptTokens = new LongAdder();
  final LongAdder completionTokens = new LongAdder();
  final AtomicInteger inflight = new AtomicInteger();
  final AtomicInteger maxInflight = new AtomicInteger();
  private final LongAdder[] byRoute = adders(Route.values().length);
  private final LongAdder[] byStatus = adders(600);

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  void route(Route r) {
    requests.increment();
    byRoute[r.ordinal()].increment();
  }

  void status(int status) {
    byStatus[Math.min(Math.max(status, 0), byStatus.length - 1)].increment();
  }

  /** Counts the request being admitted and returns the new in-flight count. */
  int enter() {
    int now = inflight.incrementAndGet();
    int max;
    while (now > (max = maxInflight.get()) && !maxInflight.compareAndSet(max, now)) {
      // retry
    }
    return now;
  }

  void exit() {
    inflight.decrementAndGet();
  }

  void reset() {
    requests.reset();
    streams.reset();
    resets.reset();
    hangs.reset();
    promptTokens.reset();
    completionTokens.reset();
    maxInflight.set(inflight.get());
    for (LongAdder a : byRoute) {
      a.reset();
    }
    for (LongAdder a : byStatus) {
      a.reset();
    }
  }

  ObjectNode toJson(double uptimeSeconds) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("uptimeSeconds", uptimeSeconds);
    o.put("requests", requests.sum());
    o.put("streams", streams.sum());
    o.put("inflight", inflight.get());
    o.put("maxInflight", maxInflight.get());
    o.put("resets", resets.sum());
    o.put("hangs", hangs.sum());
    o.put("promptTokens", promptTokens.sum());
    o.put("completionTokens", completionTokens.sum());
    ObjectNode routes = o.putObject("byRoute");
    for (Route r : Route.values()) {
      long n = byRoute[r.ordinal()].sum();
      if (n > 0) {
        routes.put(r.path, n);
      }
    }
    ObjectNode statuses = o.putObject("byStatus");
    for (int s = 0; s < byStatus.length; s++) {
      long n = byStatus[s].sum();
      if (n > 0) {
        statuses.put(Integer.toString(s), n);
      }
    }
    return o;
  }
}
