package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The fake LLM and Dify server on Jetty's core handler API. Nothing here blocks a thread: bodies
 * are read asynchronously, delays are timers and writes complete through callbacks, so thousands of
 * slow streams need no thousands of threads.
 */
public final class FakeLlmServer implements AutoCloseable {

  /** Runs a task later; tests pass one they step by hand. */
  public interface Delays {
    void schedule(long delayMs, Runnable task);
  }

  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final long HANG_MS = 300_000;

  private final Server server;
  private final ServerConnector connector;
  private final AtomicReference<Knobs> knobs;
  private final Stats stats = new Stats();
  private final AtomicLong sequence = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final Delays delays;
  private final ScheduledThreadPoolExecutor timer;

  private FakeLlmServer(int port, int threads, Knobs initial, Delays delays) {
    this.knobs = new AtomicReference<>(initial);
    if (delays == null) {
      timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "fake-llm-timer"));
      this.delays = (ms, task) -> timer.schedule(task, ms, TimeUnit.MILLISECONDS);
    } else {
      timer = null;
      this.delays = delays;
    }
    QueuedThreadPool pool = new QueuedThreadPool(Math.max(threads, 8), Math.min(threads, 8));
    pool.setName("fake-llm");
    pool.setDaemon(true);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(HANG_MS + 10_000);
    server.addConnector(connector);
    server.setHandler(new Router());
  }

  /** Starts a server on 127.0.0.1; port 0 picks a free one. {@code delays} may be null. */
  public static FakeLlmServer start(int port, int threads, Knobs knobs, Delays delays)
      throws Exception {
    FakeLlmServer s = new FakeLlmServer(port, threads, knobs, delays);
    s.server.start();
    return s;
  }

  public int port() {
    return connector.getLocalPort();
  }

  Knobs knobs() {
    return knobs.get();
  }

  void knobs(Knobs k) {
    knobs.set(k);
  }

  Stats stats() {
    return stats;
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public void close() throws Exception {
    server.stop();
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private final class Router extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      Route route = Route.of(path);
      if (route != null) {
        if (!"POST".equals(method)) {
          send(response, callback, plain(405, "use POST"));
          return true;
        }
        Content.Source.asByteArrayAsync(request, MAX_BODY)
            .whenComplete(
                (body, failure) -> {
                  if (failure != null) {
                    callback.failed(failure);
                    return;
                  }
                  try {
                    model(route, body, request, response, callback);
                  } catch (RuntimeException e) {
                    callback.failed(e);
                  }
                });
        return true;
      }
      if (path.startsWith("/admin/") && "POST".equals(method)) {
        Content.Source.asByteArrayAsync(request, MAX_BODY)
            .whenComplete(
                (body, failure) -> {
                  if (failure != null) {
                    callback.failed(failure);
                    return;
                  }
                  try {
                    send(response, callback, adminPost(path, body));
                  } catch (RuntimeException e) {
                    callback.failed(e);
                  }
                });
        return true;
      }
      send(response, callback, get(path));
      return true;
    }
  }

  private void model(Route route, byte[] body, Request request, Response response, Callback cb) {
    stats.route(route);
    Knobs k = knobs.get();
    Ask ask;
    try {
      if (route.fastPath()) {
        ask = Ask.openAiChat(body);
      } else {
        JsonNode json = Reply.JSON.readTree(body);
        if (json == null || !json.isObject()) {
          throw new IOException("expected a JSON object");
        }
        ask = route.ask(json, k);
      }
    } catch (IOException e) {
      send(response, cb, route.badRequest("We could not parse the JSON body of your request."));
      return;
    }
    switch (Faults.decide(k, sequence.incrementAndGet(), elapsedMillis())) {
      case OUTAGE -> outage(route, k, request, response, cb);
      case RATE_LIMITED -> send(response, cb, route.rateLimited(ask.model(), k, Instant.now()));
      case SERVER_ERROR -> send(response, cb, route.serverError(k.errorStatus()));
      case PASS -> {
        Usage u = Usage.of(k, ask);
        int inflight = stats.enter();
        Reply reply;
        try {
          reply =
              route.answer(
                  ask,
                  u,
                  k,
                  inflight,
                  ThreadLocalRandom.current(),
                  System.currentTimeMillis() / 1000);
        } catch (RuntimeException e) {
          stats.exit();
          send(response, cb, route.badRequest(String.valueOf(e.getMessage())));
          return;
        }
        stats.promptTokens.add(u.prompt());
        stats.completionTokens.add(route == Route.EMBEDDINGS ? 0 : u.completion());
        send(response, new Exit(cb), reply);
      }
    }
  }

  private void outage(Route route, Knobs k, Request request, Response response, Callback cb) {
    switch (k.outageMode()) {
      case ERROR_503 -> send(response, cb, route.serverError(503));
      case HANG -> {
        stats.hangs.increment();
        delays.schedule(HANG_MS, () -> send(response, cb, route.serverError(503)));
      }
      case RESET -> {
        stats.resets.increment();
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (endPoint.getTransport() instanceof SocketChannel channel) {
          try {
            // Linger zero turns the close into a TCP reset, as a crashed upstream would look.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
          } catch (IOException | RuntimeException ignored) {
            // a plain close is the next best thing
          }
        }
        endPoint.close();
        cb.failed(new ResetByOutage());
      }
    }
  }

  /** Jetty logs a QuietException at debug level only: a reset we asked for is no warning. */
  private static final class ResetByOutage extends IOException implements QuietException {
    ResetByOutage() {
      super("fake outage: connection reset");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** Leaves the in-flight count when the exchange ends, however it ends. */
  private final class Exit implements Callback {
    private final Callback delegate;

    Exit(Callback delegate) {
      this.delegate = delegate;
    }

    @Override
    public void succeeded() {
      stats.exit();
      delegate.succeeded();
    }

    @Override
    public void failed(Throwable x) {
      stats.exit();
      delegate.failed(x);
    }

    @Override
    public InvocationType getInvocationType() {
      return delegate.getInvocationType();
    }
  }

  private void send(Response response, Callback cb, Reply r) {
    stats.status(r.status());
    response.setStatus(r.status());
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, r.contentType());
    List<String> extra = r.headers();
    for (int i = 0; i + 1 < extra.size(); i += 2) {
      h.put(extra.get(i), extra.get(i + 1));
    }
    if (!r.streaming()) {
      byte[] body = r.body();
      h.put(HttpHeader.CONTENT_LENGTH, body.length);
      if (r.delayMs() > 0) {
        delays.schedule(r.delayMs(), () -> response.write(true, ByteBuffer.wrap(body), cb));
      } else {
        response.write(true, ByteBuffer.wrap(body), cb);
      }
      return;
    }
    stats.streams.increment();
    h.put(HttpHeader.CACHE_CONTROL, "no-cache");
    new SseWriter(response, r.events(), cb).step();
  }

  /**
   * Writes events one after another, each after its delay. Events due at the same moment go out in
   * one write; every write is flushed, so a client sees each token when it is due.
   */
  private final class SseWriter implements Callback {
    private final Response response;
    private final List<Reply.Sse> events;
    private final Callback done;
    private int next;

    SseWriter(Response response, List<Reply.Sse> events, Callback done) {
      this.response = response;
      this.events = events;
      this.done = done;
    }

    void step() {
      if (next >= events.size()) {
        response.write(true, null, done);
        return;
      }
      long delay = events.get(next).delayMs();
      if (delay > 0) {
        delays.schedule(delay, this::writeBatch);
      } else {
        writeBatch();
      }
    }

    private void writeBatch() {
      StringBuilder sb = new StringBuilder(events.get(next).text());
      next++;
      while (next < events.size() && events.get(next).delayMs() == 0) {
        sb.append(events.get(next).text());
        next++;
      }
      response.write(false, ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), this);
    }

    @Override
    public void succeeded() {
      step();
    }

    @Override
    public void failed(Throwable x) {
      done.failed(x);
    }
  }

  private Reply get(String path) {
    return switch (path) {
      case "/health" ->
          Reply.json(200, 0, JsonNodeFactory.instance.objectNode().put("status", "ok"));
      case "/admin/config" -> Reply.json(200, 0, configJson());
      case "/admin/stats" -> Reply.json(200, 0, stats.toJson(elapsedMillis() / 1000.0));
      case "/v1/models" -> Reply.json(200, 0, models());
      default -> plain(404, "no route for " + path);
    };
  }

  private Reply adminPost(String path, byte[] body) {
    switch (path) {
      case "/admin/config":
        try {
          JsonNode json =
              body.length == 0 ? JsonNodeFactory.instance.objectNode() : Reply.JSON.readTree(body);
          knobs.updateAndGet(k -> k.merge(json, elapsedMillis()));
          return Reply.json(200, 0, configJson());
        } catch (IOException | RuntimeException e) {
          return plain(400, String.valueOf(e.getMessage()));
        }
      case "/admin/reset":
        stats.reset();
        sequence.set(0);
        return Reply.json(200, 0, stats.toJson(elapsedMillis() / 1000.0));
      default:
        return plain(404, "no route for " + path);
    }
  }

  private ObjectNode configJson() {
    ObjectNode o = knobs.get().toJson();
    o.put("uptimeSeconds", elapsedMillis() / 1000.0);
    o.put("port", port());
    return o;
  }

  private static ObjectNode models() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("object", "list");
    var data = o.putArray("data");
    for (String m : new String[] {"gpt-4o-mini", "gpt-4o", "text-embedding-3-small"}) {
      ObjectNode e = data.addObject();
      e.put("id", m);
      e.put("object", "model");
      e.put("created", 1715367049);
      e.put("owned_by", "system");
    }
    return o;
  }

  private static Reply plain(int status, String message) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("error", message);
    return Reply.json(status, 0, o);
  }
}
