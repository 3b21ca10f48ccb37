package io.ketang.push.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

import io.ketang.shared.RoomRef;

/**
 * Each room's head (its last seq) as this node last read it, for acks: every student acks every
 * few seconds, and a class of 60,000 asking Redis for one key each time would make it the hottest
 * key there is. A room's head is read at most once per {@code fresh} interval per node; after a
 * failed read the last value read stands for the {@code backoff} interval instead of each ack
 * waiting on Redis's timeout (an ack only tells a client whether it missed something, so a head a
 * moment old costs at most a later pull).
 */
public final class Heads {

    /** Rooms not asked about for this long are forgotten, once there are many. */
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int MANY = 50_000;

    private final Map<RoomRef, Head> heads = new ConcurrentHashMap<>();
    private final long freshNanos;
    private final long backoffNanos;
    private final LongSupplier clock;

    public Heads(long freshMs, long backoffMs, LongSupplier nanoClock) {
        this.freshNanos = TimeUnit.MILLISECONDS.toNanos(freshMs);
        this.backoffNanos = TimeUnit.MILLISECONDS.toNanos(backoffMs);
        this.clock = nanoClock;
    }

    /**
     * The room's head: as last read while that is fresh, else read now with {@code read}. One
     * caller reads at a time; the others meanwhile get the last value (a read can wait on Redis's
     * timeout, and every ack of a room on this node must not wait behind it). When the read fails
     * and a value was read before, that value; with none, the failure.
     */
    public long head(RoomRef room, ToLongFunction<RoomRef> read) {
        long now = clock.getAsLong();
        Head h = heads.computeIfAbsent(room, r -> new Head());
        h.askedAt = now;
        if (h.known && (now - h.readAt < freshNanos || now - h.failedUntil < 0 || !h.reading.compareAndSet(false, true))) {
            return h.value;
        }
        boolean mine = h.known; // with no value yet every caller reads for itself
        try {
            long value = h.raise(read.applyAsLong(room));
            h.readAt = now;
            return value;
        } catch (RuntimeException e) {
            h.failedUntil = now + backoffNanos;
            if (h.known) {
                return h.value;
            }
            throw e;
        } finally {
            if (mine) {
                h.reading.set(false);
            }
            forgetIdle(now);
        }
    }

    /** A seq this node saw taken or delivered: the head is at least that. */
    public void saw(RoomRef room, long seq) {
        Head h = heads.get(room);
        if (h != null && h.known) {
            h.raise(seq);
        }
    }

    private void forgetIdle(long now) {
        if (heads.size() > MANY) {
            heads.values().removeIf(h -> now - h.askedAt > IDLE_NANOS);
        }
    }

    private static final class Head {
        volatile boolean known;
        volatile long value;
        volatile long readAt;
        volatile long failedUntil;
        volatile long askedAt;
        final java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();

        /** Takes a head read or seen; a head never goes down. */
        synchronized long raise(long seq) {
            value = known ? Math.max(value, seq) : seq;
            known = true;
            return value;
        }
    }
}
