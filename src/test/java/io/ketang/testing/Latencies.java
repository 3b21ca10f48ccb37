package io.ketang.testing;

import java.util.concurrent.atomic.AtomicLongArray;

/** Latencies counted in whole milliseconds (up to two minutes), for percentiles over many threads. */
public final class Latencies {

    private static final int MAX_MS = 120_000;
    private final AtomicLongArray counts = new AtomicLongArray(MAX_MS + 1);

    public void record(long nanos) {
        counts.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, nanos / 1_000_000)));
    }

    public void reset() {
        for (int i = 0; i <= MAX_MS; i++) {
            counts.set(i, 0);
        }
    }

    public long count() {
        long n = 0;
        for (int i = 0; i <= MAX_MS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The latency in ms below which the given fraction (0.99 for p99) of the recorded ones fall; -1 when none. */
    public long percentileMs(double fraction) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i <= MAX_MS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return MAX_MS;
    }
}
