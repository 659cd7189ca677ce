package dev.tollgate.samples.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code java -jar tollgate-loadgen.jar --url ... }: see {@link Options#USAGE}. */
public final class LoadgenMain {
  private LoadgenMain() {}

  public static void main(String[] args) throws Exception {
    // With fewer than 3 CPUs the common pool has parallelism 1, and CompletableFuture then runs
    // every async step on a new thread, which java.net.http does once per response.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4");
    }
    Thread main = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Ctrl-C: stop sending and let the main thread print what finished.
                  interrupted = true;
                  Engine e = running;
                  if (e != null && main.isAlive()) {
                    System.err.println();
                    System.err.println("tollgate-loadgen: interrupted; reporting what finished");
                    e.abort();
                    try {
                      main.join(10_000);
                    } catch (InterruptedException ignored) {
                      // exiting anyway
                    }
                  }
                }));
    int code = run(args, System.getenv(), System.out, System.err);
    running = null;
    System.out.flush();
    // Halt rather than exit: during a Ctrl-C the shutdown hook is waiting for this thread.
    Runtime.getRuntime().halt(code);
  }

  private static volatile Engine running;
  private static volatile boolean interrupted;

  /** Runs and prints; returns the exit code (2 for bad arguments, 1 if nothing succeeded). */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException, IOException {
    Options o;
    Target target;
    List<Scenario.Template> templates;
    try {
      o = Options.parse(args, env);
      if (o.help) {
        out.println(Options.USAGE);
        return 0;
      }
      target = Target.parse(o.url);
      templates = Scenario.templates(o, target);
    } catch (IllegalArgumentException e) {
      err.println("tollgate-loadgen: " + e.getMessage());
      err.println(Options.USAGE);
      return 2;
    }
    if (o.warmupNanos > 0) {
      err.println("tollgate-loadgen: warming up for " + Durations.format(o.warmupNanos));
      Engine.Plan warm = Engine.Plan.of(o, target, templates).warmup(o.warmupNanos);
      execute(o, warm, templates, new Progress(err, "off", 0, 0));
      if (interrupted) {
        return 130;
      }
    }
    Engine.Plan plan = Engine.Plan.of(o, target, templates);
    Report report =
        execute(
            o, plan, templates, new Progress(err, o.progress, plan.durationNanos(), o.requests));
    out.print(report.table());
    out.flush();
    if (o.jsonPath != null) {
      Files.writeString(Path.of(o.jsonPath), report.jsonText() + "\n", StandardCharsets.UTF_8);
    }
    return report.ok() == 0 && report.requests() > 0 ? 1 : 0;
  }

  static Report execute(
      Options o, Engine.Plan plan, List<Scenario.Template> templates, Progress progress)
      throws InterruptedException {
    Target target = plan.target();
    boolean nio =
        o.client.equals("nio") || (o.client.equals("auto") && target.scheme().equals("http"));
    Engine engine = nio ? new NioEngine(plan) : new JdkEngine(plan);
    running = engine;
    Stats.Totals totals = new Stats.Totals();
    long t0 = System.nanoTime() + 20_000_000L; // a moment for the threads to start
    progress.start(t0);
    engine.start(t0);
    while (!engine.await(progress.intervalMillis())) {
      long now = System.nanoTime();
      long completed = 0, errors = 0;
      int inflight = 0;
      for (Stats s : engine.stats()) {
        completed += s.completed();
        errors += s.errors();
        inflight += s.inflight.get();
      }
      progress.update(now, t0, completed, errors, inflight, totals.drain(engine.stats()));
    }
    progress.finish();
    totals.drain(engine.stats());
    long last = engine.lastCompletionNanos();
    long end = last > t0 ? last : System.nanoTime();
    if (plan.durationNanos() != Long.MAX_VALUE) {
      // A run bounded by time lasts at least that long, even if the last answer came early.
      end = Math.max(end, Math.min(System.nanoTime(), t0 + plan.durationNanos()));
    }
    return Report.of(
        o, totals, engine.stats(), Math.max(1e-9, (end - t0) / 1e9), pricing(templates));
  }

  /**
   * Describes the prices in use, e.g. {@code gpt-4o-mini $0.15/$0.60 per M tokens}; null if none.
   */
  static String pricing(List<Scenario.Template> templates) {
    Set<String> parts = new LinkedHashSet<>();
    for (Scenario.Template t : templates) {
      if (t.price() != null) {
        parts.add(
            String.format(
                Locale.ROOT,
                "%s $%.2f in / $%.2f out per M tokens",
                t.model() == null ? t.name() : t.model(),
                t.price().inputPerMillion(),
                t.price().outputPerMillion()));
      }
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }
}
