package dev.tollgate.sidecar.aggregate;

import java.util.Map;

/**
 * An immutable copy of one series' minute, as the store persists it. Histograms are in {@link
 * LogHistogram#toBytes()} form.
 */
public record RollupSnapshot(
    long minute,
    SeriesKey key,
    long calls,
    long errors,
    long unmetered,
    long retries,
    long rateLimited,
    long rejected,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long reasoningTokens,
    Map<String, Long> errorsByType,
    Map<String, Long> rejectedBy,
    byte[] latency,
    byte[] ttft) {}
