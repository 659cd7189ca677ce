package dev.tollgate.controller.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs {@link AdmissionBenchmark} for Tollgate and Resilience4j in interleaved rounds, and prints
 * one table with the error of every figure. To compare a change with the code before it, run it at
 * both commits (a git worktree for the old one) one after the other, in the same session.
 *
 * <p>This machine is shared and noisy: a neighbour's build that starts halfway through a plain JMH
 * run slows whichever benchmarks come after it, by 2-3x at a load average of 10 on two cores. So
 * each round runs every (threads, configuration) group with both implementations one fork
 * each, back to back, in an order that rotates from round to round, and the figures pool the
 * measurement iterations of all rounds. Noise only ever adds time, so the minimum over many short
 * iterations is the most stable estimate of the code's own cost (the argument of Chen and Revels,
 * "Robust benchmarking in noisy environments", 2016); the median and the mean with JMH's error (the
 * half-width of the 99.9% confidence interval) show how much the machine added. Beside the wall
 * clock it shows the process's CPU time per operation ({@link CpuTimeProfiler}), which leaves out
 * the time the thread sat descheduled.
 *
 * <p>{@code java -cp benchmarks.jar dev.tollgate.controller.bench.Compare [rounds] [threads,...]}
 * (defaults: 5 rounds, threads 1 and 8; about 8 minutes). {@code run.sh} builds and runs it.
 */
public final class Compare {
  private static final String[] CONFIGS = {"rateBreaker", "all"};
  private static final String[] IMPLS = {"Tollgate", "R4j"};
  private static final int WARMUP_ITERATIONS = 2;
  private static final TimeValue WARMUP_TIME = TimeValue.seconds(1);
  private static final int ITERATIONS = 20;
  private static final TimeValue ITERATION_TIME = TimeValue.milliseconds(200);

  private Compare() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String[] threadList = (args.length > 1 ? args[1] : "1,8").split(",");
    Map<String, ListStatistics> times = new LinkedHashMap<>();
    Map<String, ListStatistics> cpu = new LinkedHashMap<>();
    Map<String, ListStatistics> bytes = new LinkedHashMap<>();
    for (String t : threadList) {
      for (String c : CONFIGS) {
        for (String i : IMPLS) {
          times.put(key(Integer.parseInt(t), c, i), new ListStatistics());
          cpu.put(key(Integer.parseInt(t), c, i), new ListStatistics());
          bytes.put(key(Integer.parseInt(t), c, i), new ListStatistics());
        }
      }
    }
    String loadBefore = loadAverage();
    long started = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (String t : threadList) {
        int threads = Integer.parseInt(t);
        for (String c : CONFIGS) {
          for (int k = 0; k < IMPLS.length; k++) {
            String impl = IMPLS[(k + r) % IMPLS.length];
            String key = key(threads, c, impl);
            System.err.printf(
                Locale.ROOT,
                "round %d/%d  %-28s (%.0fs, load %s)%n",
                r + 1,
                rounds,
                key,
                (System.nanoTime() - started) / 1e9,
                loadAverage());
            for (RunResult rr : run(c + impl, threads)) {
              for (BenchmarkResult br : rr.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                  times.get(key).addValue(ir.getPrimaryResult().getScore());
                  Result perOp = ir.getSecondaryResults().get(CpuTimeProfiler.LABEL);
                  if (perOp != null) {
                    cpu.get(key).addValue(perOp.getScore());
                  }
                }
              }
              for (Map.Entry<String, Result> e : rr.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                  bytes.get(key).addValue(e.getValue().getScore());
                }
              }
            }
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nAdmission + release, ns/op, over %d rounds x %d iterations of %s (JDK %s, %d cores,"
            + " load average %s before, %s after)%n"
            + "wall: JMH's score per iteration: min, median, mean ± half-width of the 99.9%% CI;"
            + " cpu: the process's CPU time per op (CpuTimeProfiler): min, median.%n"
            + "vs R4j: the ratio of the minimum wall times. With more threads than cores, one"
            + " thread the scheduler starved for an iteration inflates that iteration's mean%n"
            + "(JMH averages each thread's time per op): read the minimum, the median and the"
            + " CPU time there.%n%n",
        rounds,
        ITERATIONS,
        ITERATION_TIME,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        loadBefore,
        loadAverage());
    System.out.printf(
        Locale.ROOT,
        "%-7s %-11s %-8s | %7s %7s %18s | %7s %7s | %5s | %6s%n",
        "threads",
        "config",
        "impl",
        "min",
        "median",
        "wall: mean ± err",
        "min",
        "median",
        "B/op",
        "vs R4j");
    for (String t : threadList) {
      int threads = Integer.parseInt(t);
      for (String c : CONFIGS) {
        double r4j = times.get(key(threads, c, "R4j")).getMin();
        for (String i : IMPLS) {
          ListStatistics w = times.get(key(threads, c, i));
          ListStatistics u = cpu.get(key(threads, c, i));
          ListStatistics b = bytes.get(key(threads, c, i));
          System.out.printf(
              Locale.ROOT,
              "%-7d %-11s %-8s | %7.1f %7.1f %8.1f ± %7.1f | %7.1f %7.1f | %5.1f | %5.2fx%n",
              threads,
              c,
              i.toLowerCase(Locale.ROOT),
              w.getMin(),
              w.getPercentile(50),
              w.getMean(),
              w.getN() > 1 ? w.getMeanErrorAt(0.999) : Double.NaN,
              u.getN() > 0 ? u.getMin() : Double.NaN,
              u.getN() > 0 ? u.getPercentile(50) : Double.NaN,
              b.getN() > 0 ? b.getMean() : Double.NaN,
              w.getMin() / r4j);
        }
      }
    }
  }

  private static List<RunResult> run(String method, int threads) throws Exception {
    Options o =
        new OptionsBuilder()
            .include(AdmissionBenchmark.class.getName() + "\\." + method + "$")
            .threads(threads)
            .forks(1)
            .warmupIterations(WARMUP_ITERATIONS)
            .warmupTime(WARMUP_TIME)
            .measurementIterations(ITERATIONS)
            .measurementTime(ITERATION_TIME)
            .addProfiler(GCProfiler.class)
            .addProfiler(CpuTimeProfiler.class)
            .verbosity(VerboseMode.SILENT)
            .shouldFailOnError(true)
            .build();
    return new ArrayList<>(new Runner(o).run());
  }

  private static String key(int threads, String config, String impl) {
    return "t" + threads + " " + config + " " + impl;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
