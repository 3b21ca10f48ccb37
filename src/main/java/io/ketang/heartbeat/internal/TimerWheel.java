package io.ketang.heartbeat.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Deadlines for many keys in buckets of {@code tickMs}: scheduling is a map write, expiry visits
 * only the buckets that are due, and there is no task per key. A key rescheduled later stays in
 * its old bucket until that bucket comes due and finds the key's deadline moved (lazy removal).
 * Time is passed in, so tests need no clock. Thread-safe; every method holds the wheel's lock.
 */
public final class TimerWheel<K> {

    private final long tickMs;
    private final Map<K, Long> deadlines = new HashMap<>();
    private final TreeMap<Long, Set<K>> buckets = new TreeMap<>();

    public TimerWheel(long tickMs) {
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tick must be positive");
        }
        this.tickMs = tickMs;
    }

    /** Sets the key's deadline, replacing any earlier one. */
    public synchronized void schedule(K key, long deadlineMs) {
        Long previous = deadlines.put(key, deadlineMs);
        long bucket = Math.floorDiv(deadlineMs, tickMs);
        if (previous == null || Math.floorDiv(previous, tickMs) != bucket) {
            buckets.computeIfAbsent(bucket, b -> new HashSet<>()).add(key);
        }
    }

    /** Removes and returns the keys whose deadline is at or before {@code nowMs}. */
    public synchronized List<K> expire(long nowMs) {
        List<K> expired = new ArrayList<>();
        long due = Math.floorDiv(nowMs, tickMs);
        Iterator<Map.Entry<Long, Set<K>>> it = buckets.headMap(due, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Set<K>> bucket = it.next();
            Set<K> later = null;
            for (K key : bucket.getValue()) {
                Long deadline = deadlines.get(key);
                if (deadline == null || Math.floorDiv(deadline, tickMs) != bucket.getKey()) {
                    continue; // cancelled, or moved to another bucket
                }
                if (deadline <= nowMs) {
                    deadlines.remove(key);
                    expired.add(key);
                } else {
                    // due in this very tick but not yet: keep it here
                    if (later == null) {
                        later = new HashSet<>();
                    }
                    later.add(key);
                }
            }
            it.remove();
            if (later != null) {
                buckets.put(bucket.getKey(), later);
                break;
            }
        }
        return expired;
    }

    public synchronized void cancel(K key) {
        deadlines.remove(key);
    }

    /** Cancels every key that matches, e.g. those of partitions this node no longer owns. */
    public synchronized void cancelIf(Predicate<K> matching) {
        deadlines.keySet().removeIf(matching);
    }

    public synchronized Long deadline(K key) {
        return deadlines.get(key);
    }

    public synchronized int size() {
        return deadlines.size();
    }
}
