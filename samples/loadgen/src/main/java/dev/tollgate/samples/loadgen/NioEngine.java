package dev.tollgate.samples.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain-HTTP load engine on java.nio: each IO thread owns a selector and its connections, writes
 * pre-built request bytes and parses responses in place. Keep-alive, one request at a time per
 * connection (no pipelining), no per-request thread hand-off and almost no allocation: this is what
 * lets one core drive tens of thousands of requests per second.
 */
final class NioEngine implements Engine {
  private static final long CHECK_NANOS = 10_000_000L;

  private final Plan plan;
  private final InetSocketAddress address;
  private final byte[][] requests;
  private final Stats[] stats;
  private final Worker[] workers;
  private final CountDownLatch done;
  private final AtomicLong tickets = new AtomicLong();
  private volatile boolean aborted;

  NioEngine(Plan plan) {
    if (!plan.target().scheme().equals("http")) {
      throw new IllegalArgumentException("the nio client speaks plain http only; use --client jdk");
    }
    this.plan = plan;
    this.address = new InetSocketAddress(plan.target().host(), plan.target().port());
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve host " + plan.target().host());
    }
    requests = new byte[plan.templates().size()][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = plan.templates().get(i).http11(plan.target());
    }
    int k = plan.ioThreads();
    stats = new Stats[k];
    workers = new Worker[k];
    done = new CountDownLatch(k);
    for (int i = 0; i < k; i++) {
      stats[i] = new Stats();
      workers[i] = new Worker(i, k, stats[i]);
    }
  }

  @Override
  public void start(long t0) {
    for (Worker w : workers) {
      w.t0 = t0;
      Thread t = new Thread(w, "loadgen-io-" + w.index);
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public void abort() {
    aborted = true;
    for (Worker w : workers) {
      if (w.selector != null) {
        w.selector.wakeup();
      }
    }
  }

  @Override
  public boolean await(long millis) throws InterruptedException {
    return done.await(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Stats[] stats() {
    return stats;
  }

  @Override
  public long lastCompletionNanos() {
    long last = -1;
    for (Worker w : workers) {
      last = Math.max(last, w.lastCompletion);
    }
    return last;
  }

  /** One keep-alive connection; in the closed loop also one virtual user. */
  private static final class Conn {
    final ResponseParser parser = new ResponseParser();
    final BodyAnalyzer analyzer = new BodyAnalyzer();
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer out;
    int template;
    long due;
    long sent;
    long deadline;
    boolean busy;
    boolean retired;
    long startAt;
  }

  private final class Worker implements Runnable {
    final int index;
    final int count;
    final Stats stats;
    final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    final List<Conn> conns = new ArrayList<>();
    final ArrayDeque<Conn> idle = new ArrayDeque<>();

    /** Open loop: due times of requests waiting for a connection. */
    final LongQueue pending = new LongQueue();

    /** Closed loop: connections whose last request failed; they go again on the next turn. */
    List<Conn> deferred = new ArrayList<>();

    List<Conn> deferredSpare = new ArrayList<>();
    volatile Selector selector;
    volatile long t0;
    volatile long lastCompletion = -1;
    long endNanos;
    long sequence;
    int busy;
    int alive;
    long lastCheck;

    Worker(int index, int count, Stats stats) {
      this.index = index;
      this.count = count;
      this.stats = stats;
    }

    @Override
    public void run() {
      try (Selector s = Selector.open()) {
        selector = s;
        endNanos = plan.endNanos(t0);
        if (plan.openLoop()) {
          runOpen();
        } else {
          runClosed();
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("loadgen: IO thread failed: " + e);
      } finally {
        for (Conn c : conns) {
          close(c);
        }
        done.countDown();
      }
    }

    // ---- closed loop: each connection sends its next request when the last one finished ----

    private void runClosed() throws IOException {
      int n = plan.concurrency();
      List<Conn> users = new ArrayList<>();
      for (int k = index; k < n; k += count) {
        Conn c = new Conn();
        c.startAt = t0 + Schedule.rampOffsetNanos(k, n, plan.rampUpNanos());
        users.add(c);
        conns.add(c);
      }
      alive = users.size();
      int started = 0;
      lastCheck = System.nanoTime();
      while (alive > 0 && !aborted) {
        long now = System.nanoTime();
        while (started < users.size() && users.get(started).startAt <= now) {
          issue(users.get(started++), now);
        }
        if (!deferred.isEmpty()) {
          List<Conn> again = deferred;
          deferred = deferredSpare;
          deferredSpare = again;
          for (Conn c : again) {
            issue(c, now);
          }
          again.clear();
        }
        long wait = deferred.isEmpty() ? CHECK_NANOS : 1;
        if (started < users.size()) {
          wait = Math.min(wait, users.get(started).startAt - now);
        }
        if (alive > 0) {
          select(wait);
        }
        now = System.nanoTime();
        if (now - lastCheck >= CHECK_NANOS) {
          lastCheck = now;
          expire(now);
        }
      }
    }

    private void issue(Conn c, long now) {
      boolean ticket = plan.requests() == 0 || tickets.incrementAndGet() <= plan.requests();
      if (now >= endNanos || !ticket || aborted) {
        close(c);
        if (!c.retired) {
          c.retired = true;
          alive--;
        }
        return;
      }
      send(c, now, now);
    }

    // ---- open loop: requests are due on a fixed schedule, whatever the connections are doing ----

    private void runOpen() throws IOException {
      long limit = plan.requests() == 0 ? Long.MAX_VALUE : plan.requests();
      int maxConns = Math.max(1, (plan.concurrency() + count - 1) / count);
      long next = index; // this worker takes requests index, index + count, ...
      lastCheck = System.nanoTime();
      while (!aborted) {
        long now = System.nanoTime();
        long nextDue = Long.MAX_VALUE;
        while (next < limit) {
          long due = Schedule.dueNanos(t0, plan.rate(), next);
          if (due >= endNanos) {
            next = limit;
            break;
          }
          if (due > now) {
            nextDue = due;
            break;
          }
          pending.add(due);
          next += count;
        }
        while (!pending.isEmpty() && now - pending.first() >= plan.timeoutNanos()) {
          pending.removeFirst();
          stats.error(Outcome.TIMEOUT); // never got a connection in time
        }
        while (!pending.isEmpty()) {
          Conn c = idle.pollLast();
          if (c == null) {
            if (conns.size() >= maxConns) {
              break;
            }
            c = new Conn();
            conns.add(c);
          }
          send(c, pending.removeFirst(), now);
        }
        if (next >= limit && pending.isEmpty() && busy == 0) {
          return;
        }
        long wait = CHECK_NANOS;
        if (nextDue != Long.MAX_VALUE) {
          wait = Math.min(wait, nextDue - now);
        }
        select(wait);
        now = System.nanoTime();
        if (now - lastCheck >= CHECK_NANOS) {
          lastCheck = now;
          expire(now);
        }
      }
    }

    /** After a response in the open loop: take the next queued request, or wait idle. */
    private void reuseOpen(Conn c, long now) {
      if (!pending.isEmpty()) {
        send(c, pending.removeFirst(), now);
      } else {
        idle.addLast(c);
      }
    }

    private void next(Conn c, long now) {
      if (plan.openLoop()) {
        reuseOpen(c, now);
      } else {
        issue(c, now);
      }
    }

    // ---- one exchange ----

    private void send(Conn c, long due, long now) {
      int t = (int) (sequence++ % requests.length);
      c.template = t;
      c.due = due;
      c.sent = now;
      c.deadline = due + plan.timeoutNanos();
      c.busy = true;
      busy++;
      stats.inflight.incrementAndGet();
      c.parser.reset(c.analyzer);
      c.out = ByteBuffer.wrap(requests[t]);
      try {
        if (c.channel == null) {
          SocketChannel ch = SocketChannel.open();
          c.channel = ch;
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          if (ch.connect(address)) {
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            write(c);
          } else {
            c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
          }
        } else {
          write(c);
        }
      } catch (IOException e) {
        fail(c, Outcome.CONNECTION, now);
      }
    }

    private void write(Conn c) throws IOException {
      c.channel.write(c.out);
      int ops = c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
      if (c.key.interestOps() != ops) {
        c.key.interestOps(ops);
      }
    }

    private void select(long waitNanos) throws IOException {
      long ms = Math.max(1, (waitNanos + 999_999) / 1_000_000);
      if (selector.select(ms) == 0) {
        return;
      }
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        Conn c = (Conn) key.attachment();
        if (!key.isValid() || c.key != key) {
          continue;
        }
        try {
          if (key.isConnectable()) {
            c.channel.finishConnect();
            write(c);
          } else if (key.isWritable()) {
            write(c);
          } else if (key.isReadable()) {
            read(c);
          }
        } catch (IOException e) {
          if (c.busy) {
            fail(c, Outcome.CONNECTION, System.nanoTime());
          } else {
            dropIdle(c);
          }
        }
      }
    }

    private void read(Conn c) throws IOException {
      for (int i = 0; i < 16; i++) {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        long now = System.nanoTime();
        if (n < 0) {
          if (!c.busy) {
            dropIdle(c); // the server closed an idle keep-alive connection
          } else if (c.parser.onEof()) {
            complete(c, now, false);
          } else {
            fail(c, Outcome.CONNECTION, now);
          }
          return;
        }
        if (n == 0) {
          return;
        }
        if (!c.busy) {
          dropIdle(c); // bytes nobody asked for: the connection is unusable
          return;
        }
        int used = c.parser.feed(readBuffer.array(), 0, n, now);
        if (c.parser.done()) {
          complete(c, now, used == n && c.parser.keepAlive());
          return;
        }
      }
    }

    private void complete(Conn c, long now, boolean reusable) {
      c.busy = false;
      busy--;
      stats.inflight.decrementAndGet();
      lastCompletion = now;
      Outcome o = Outcome.ofStatus(c.parser.status());
      if (o == Outcome.OK && c.analyzer.streamError()) {
        o = Outcome.STREAM_ERROR;
      }
      if (o == Outcome.OK) {
        long first = c.analyzer.firstContentNanos();
        stats.ok(
            now - c.due,
            c.parser.sse() && first >= 0 ? first - c.due : -1,
            plan.openLoop() ? now - c.sent : -1,
            c.analyzer.tokens(),
            plan.templates().get(c.template).price());
      } else {
        stats.error(o);
      }
      if (!reusable) {
        close(c);
      }
      next(c, now);
    }

    private void fail(Conn c, Outcome o, long now) {
      close(c);
      if (c.busy) {
        c.busy = false;
        busy--;
        stats.inflight.decrementAndGet();
        lastCompletion = now;
        stats.error(o);
        // Not at once: a refused connect fails synchronously and would recurse.
        if (plan.openLoop()) {
          idle.addLast(c);
        } else {
          deferred.add(c);
        }
      }
    }

    private void dropIdle(Conn c) {
      close(c);
      // stays in the idle deque with no channel; the next send reconnects
    }

    private void expire(long now) {
      int n = conns.size();
      for (int i = 0; i < n; i++) {
        Conn c = conns.get(i);
        if (c.busy && now >= c.deadline) {
          fail(c, Outcome.TIMEOUT, now);
        }
      }
    }

    private void close(Conn c) {
      if (c.channel != null) {
        if (c.key != null) {
          c.key.cancel();
        }
        try {
          c.channel.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        c.channel = null;
        c.key = null;
      }
    }
  }

  /** A growable ring of longs: the due times of queued open-loop requests. */
  static final class LongQueue {
    private long[] items = new long[1024];
    private int head;
    private int size;

    void add(long v) {
      if (size == items.length) {
        long[] bigger = new long[items.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = items[(head + i) % items.length];
        }
        items = bigger;
        head = 0;
      }
      items[(head + size) % items.length] = v;
      size++;
    }

    long first() {
      return items[head];
    }

    long removeFirst() {
      long v = items[head];
      head = (head + 1) % items.length;
      size--;
      return v;
    }

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }
  }
}
