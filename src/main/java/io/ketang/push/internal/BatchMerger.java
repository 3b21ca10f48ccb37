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
 * the same chance, and its batch carries at most {@code maxChars} characters of them; what was left
 * out is counted and told ({@code dropped}). Important messages never come here.
 *
 * <p>The character budget keeps a batch frame small enough to be written blocking (the gateway
 * writes a frame over 4 K characters asynchronously, and a client's close then parks one of
 * Liberty's threads until that write completes): at 60,000 members, 100 chat items made a batch of
 * about 9,500 characters, every 1.2 s, to every socket.
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
    private final int maxChars;
    private final Map<RoomRef, Window> windows = new ConcurrentHashMap<>();

    /** At most {@code capacity} items a window, and at most {@code maxChars} characters of them (a first item always goes). */
    public BatchMerger(int capacity, int maxChars) {
        if (capacity < 1 || maxChars < 1) {
            throw new IllegalArgumentException("capacity and maxChars must be at least 1");
        }
        this.capacity = capacity;
        this.maxChars = maxChars;
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
                    List<String> kept = withinBudget(w.items);
                    batches.add(new Batch(room, kept, w.seen - kept.size()));
                }
            }
        }
        return batches;
    }

    /**
     * The first of the sampled items that fit {@link #maxChars}, with a comma between each two. Any
     * set of a reservoir's slots holds a uniform sample of what came, so this is one too.
     */
    private List<String> withinBudget(List<String> items) {
        int chars = 0;
        int fit = 0;
        while (fit < items.size()) {
            int next = chars + items.get(fit).length() + (fit > 0 ? 1 : 0);
            if (fit > 0 && next > maxChars) {
                break;
            }
            chars = next;
            fit++;
        }
        return List.copyOf(items.subList(0, fit));
    }
}
