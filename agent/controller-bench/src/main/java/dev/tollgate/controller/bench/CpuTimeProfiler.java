package dev.tollgate.controller.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The benchmark process's CPU time per operation ({@code cpu.time.norm}, ns/op), beside JMH's
 * wall-clock score. On a machine shared with other builds the wall clock also counts the time the
 * benchmark thread sat descheduled; CPU time does not, so it stays close to the code's own cost
 * when the load average is above the core count. It includes the JVM's GC threads (allocation has a
 * cost) and, with several threads, the CPU burnt by all of them: it is the cost of an operation,
 * not its latency. Use with {@code -prof dev.tollgate.controller.bench.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  static final String LABEL = "cpu.time.norm";

  private long cpuAtStart;

  @Override
  public String getDescription() {
    return "process CPU time per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    cpuAtStart = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long cpu = processCpuNanos() - cpuAtStart;
    // All ops, the ones in the threads' start and stop margins too: the CPU time covers them.
    long ops = result.getMetadata().getAllOps();
    if (cpu <= 0 || ops <= 0) {
      return List.of();
    }
    return List.of(new ScalarResult(LABEL, (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
