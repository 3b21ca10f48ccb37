package io.ketang.gateway;

import java.util.ArrayDeque;

/**
 * How late the node's own sweep has run lately. The sweep is due once a period; when it comes
 * seconds late, the node was starved (CPU, a long pause) and it most likely read its clients'
 * heartbeats as late as it ran. That silence is the node's, not the clients', so the heartbeat
 * deadline moves by the lateness seen lately (the caller says how far back). Used by the sweep alone, one call
 * at a time.
 */
final class SweepLag {

    /** Lateness below this is the sweep's own work and the scheduler's jitter, not a stall. */
    static final long TOLERANCE_NANOS = 250_000_000L;

    private final long periodNanos;
    /** Pairs of (when seen, how late), oldest first. */
    private final ArrayDeque<long[]> recent = new ArrayDeque<>();
    private long previous;
    private boolean started;

    SweepLag(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /**
     * Records a sweep that runs now and returns how late this one was, 0 when on time (within
     * {@link #TOLERANCE_NANOS}).
     */
    long sweep(long now) {
        long late = started ? now - previous - periodNanos : 0;
        previous = now;
        started = true;
        if (late <= TOLERANCE_NANOS) {
            return 0;
        }
        recent.addLast(new long[] {now, late});
        return late;
    }

    /** The lateness seen within {@code windowNanos} before {@code now}: how much longer a silence is excused. */
    long within(long now, long windowNanos) {
        while (!recent.isEmpty() && now - recent.peekFirst()[0] > windowNanos) {
            recent.removeFirst();
        }
        long total = 0;
        for (long[] seen : recent) {
            total += seen[1];
        }
        return total;
    }
}
