package io.ketang.room.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.room.api.RoomView;
import io.ketang.shared.RoomRef;

/**
 * Room state for join checks without a database round trip per join: each node keeps what it read
 * for a short while ({@code ketang.room.cache-ms}), and drops a room's entry when a room change
 * arrives on the bus. A join storm of 60,000 into one room costs a node one read per interval.
 * While the database cannot answer, a room read before is served as last read (joins of a
 * known class go on); one never read fails, and the caller answers "unavailable", at once for the
 * interval after a failure (a read can wait seconds on connection timeouts).
 */
@ApplicationScoped
public class RoomDirectory {

    /** Beyond this many cached rooms the cache starts over, so random room ids cannot grow it without end. */
    static final int MAX_ENTRIES = 100_000;

    private record Entry(Optional<RoomView> room, long expiresAtNanos) {
    }

    private final Map<RoomRef, Entry> cache = new ConcurrentHashMap<>();
    private RoomStore store;
    private long ttlNanos;
    LongSupplier clock = System::nanoTime;
    /** Until when (System.nanoTime) a room never read is refused without asking the database, after it failed. */
    private volatile long failedUntilNanos = Long.MIN_VALUE / 2;

    protected RoomDirectory() {
    }

    @Inject
    public RoomDirectory(RoomStore store, @ConfigProperty(name = "ketang.room.cache-ms", defaultValue = "2000") long ttlMs) {
        this.store = store;
        this.ttlNanos = ttlMs * 1_000_000L;
    }

    public Optional<RoomView> find(RoomRef ref) {
        long now = clock.getAsLong();
        Entry entry = cache.get(ref);
        if (entry != null && now - entry.expiresAtNanos() < 0) {
            return entry.room();
        }
        if (entry == null && now - failedUntilNanos < 0) {
            // the database just failed: a room never read is refused at once rather than after
            // another wait for its connection timeouts (the caller answers "unavailable")
            throw new IllegalStateException("the database failed within the last " + ttlNanos / 1_000_000 + " ms");
        }
        Optional<RoomView> room;
        try {
            room = store.find(ref);
        } catch (RuntimeException databaseAway) {
            failedUntilNanos = clock.getAsLong() + ttlNanos;
            if (entry != null) {
                // the database is away: the room as last read, so a known class goes on joining
                // (a change made meanwhile cannot have been written either)
                return entry.room();
            }
            throw databaseAway;
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(ref, new Entry(room, now + ttlNanos));
        return room;
    }

    public void forget(RoomRef ref) {
        cache.remove(ref);
    }
}
