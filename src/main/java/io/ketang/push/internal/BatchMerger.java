package io.ketang.push.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentHashMap;

import io.ketang.shared.RoomRef;

/**
 * Unimportant messages (chat, flowers, hand raises) merged per room per window: a window holds at
 * most {@code capacity} items, chosen by reservoir sampling so that under a flood every sender has
 * the same chance; what was left out is counted and told ({@code dropped}). Important messages
 * never come here.
 */
public final class BatchMerger {

    /** One room's window. Guarded by itself. */
    private static final class Window {
        /** When its first item came (System.nanoTime). */
        final long openedAt;
        final List<String> items = new ArrayList<>();
        long seen;
        boolean closed;

        Window(long openedAt) {
            this.openedAt = openedAt;
        }
    }

    /** A window's contents: the items kept and how many were left out. */
    public record Batch(RoomRef room, List<String> items, long dropped) {
    }

    private final int capacity;
    private final Map<RoomRef, Window> windows = new ConcurrentHashMap<>();

    public BatchMerger(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Adds an encoded item to its room's current window. */
    public void add(RoomRef room, String item) {
        add(room, item, System.nanoTime());
    }

    /** Adds an encoded item at {@code nowNanos}: a room without a window opens one then. */
    public void add(RoomRef room, String item, long nowNanos) {
        while (true) {
            Window w = windows.computeIfAbsent(room, r -> new Window(nowNanos));
            synchronized (w) {
                if (w.closed) {
                    continue; // drained under our feet: the next window takes it
                }
                w.seen++;
                if (w.items.size() < capacity) {
                    w.items.add(item);
                } else {
                    long slot = ThreadLocalRandom.current().nextLong(w.seen);
                    if (slot < capacity) {
                        w.items.set((int) slot, item);
                    }
                }
                return;
            }
        }
    }

    /** Closes every window and returns what they held. */
    public List<Batch> drain() {
        return drain(Long.MAX_VALUE, room -> 0);
    }

    /**
     * Closes the windows that have been open for their room's length by {@code nowNanos} and
     * returns what they held; the others go on filling.
     */
    public List<Batch> drain(long nowNanos, java.util.function.ToLongFunction<RoomRef> lengthNanos) {
        List<Batch> batches = new ArrayList<>();
        for (Map.Entry<RoomRef, Window> open : windows.entrySet()) {
            RoomRef room = open.getKey();
            if (nowNanos - open.getValue().openedAt < lengthNanos.applyAsLong(room)) {
                continue;
            }
            Window w = windows.remove(room);
            if (w == null) {
                continue;
            }
            synchronized (w) {
                w.closed = true;
                if (!w.items.isEmpty()) {
                    batches.add(new Batch(room, List.copyOf(w.items), w.seen - w.items.size()));
                }
            }
        }
        return batches;
    }
}
