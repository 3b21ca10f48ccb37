package io.ketang.push.internal;

/**
 * Which of a room's recent seqs this node has delivered: the highest, and a window of the
 * {@value #WINDOW} below it. A seq is delivered once; one that arrives late (two nodes or threads
 * published neighbouring seqs at the same moment, and Kafka got them the other way round) is still
 * delivered, since clients order by seq. A seq older than the window counts as delivered: it can
 * only be a redelivery, and clients that miss it pull it.
 */
final class DeliveredSeqs {

    static final int WINDOW = 1024;

    private final long[] bits = new long[WINDOW / 64];
    private long highest;

    /** True the first time a seq is seen (deliver it), false for a repeat or a seq too old. */
    synchronized boolean firstTime(long seq) {
        if (seq <= 0) {
            return false;
        }
        if (seq > highest) {
            long from = Math.max(highest + 1, seq - WINDOW + 1);
            for (long s = from; s < seq; s++) {
                clear(s);
            }
            if (seq - highest >= WINDOW) {
                java.util.Arrays.fill(bits, 0);
            }
            highest = seq;
            set(seq);
            return true;
        }
        if (highest - seq >= WINDOW || isSet(seq)) {
            return false;
        }
        set(seq);
        return true;
    }

    private boolean isSet(long seq) {
        int i = (int) (seq % WINDOW);
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long seq) {
        int i = (int) (seq % WINDOW);
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long seq) {
        int i = (int) (seq % WINDOW);
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
