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
     * The room's head: as last read while that is fresh, else read now with {@code read}. When the
     * read fails and a value was read before, that value; with none, the failure.
     */
    public long head(RoomRef room, ToLongFunction<RoomRef> read) {
        long now = clock.getAsLong();
        Head h = heads.computeIfAbsent(room, r -> new Head());
        synchronized (h) {
            h.askedAt = now;
            if (h.known && (now - h.readAt < freshNanos || now - h.failedUntil < 0)) {
                return h.value;
            }
            try {
                long read1 = read.applyAsLong(room);
                h.value = h.known ? Math.max(h.value, read1) : read1;
                h.known = true;
                h.readAt = now;
                return h.value;
            } catch (RuntimeException e) {
                h.failedUntil = now + backoffNanos;
                if (h.known) {
                    return h.value;
                }
                throw e;
            } finally {
                forgetIdle(now);
            }
        }
    }

    /** A seq this node saw taken or delivered: the head is at least that. */
    public void saw(RoomRef room, long seq) {
        Head h = heads.get(room);
        if (h != null) {
            synchronized (h) {
                if (h.known && seq > h.value) {
                    h.value = seq;
                }
            }
        }
    }

    private void forgetIdle(long now) {
        if (heads.size() > MANY) {
            heads.values().removeIf(h -> now - h.askedAt > IDLE_NANOS);
        }
    }

    private static final class Head {
        boolean known;
        long value;
        long readAt;
        long failedUntil;
        long askedAt;
    }
}
