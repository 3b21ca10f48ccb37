package io.ketang.classroom.internal;

import java.util.random.RandomGenerator;

/**
 * How a red packet's total is split into its shares, once, when it is sent: each share is drawn
 * uniformly between 1 cent and twice the mean of what is left (so the expected share is the mean
 * at every step, and nobody grabbing early or late is favoured), while leaving at least 1 cent
 * for every share still to come; the last share takes what remains. Every share is at least 1
 * cent and the shares sum to the total exactly.
 */
public final class Shares {

    private Shares() {
    }

    /**
     * Splits {@code totalCents} into {@code count} shares.
     *
     * @throws IllegalArgumentException when count is below 1 or the total cannot give each share a cent
     */
    public static long[] split(long totalCents, int count, RandomGenerator random) {
        if (count < 1 || totalCents < count) {
            throw new IllegalArgumentException("a packet needs at least one share and a cent for each");
        }
        long[] shares = new long[count];
        long left = totalCents;
        for (int i = 0; i < count - 1; i++) {
            int toCome = count - i;
            // at most twice the mean, and never so much that a later share would get nothing
            long max = Math.min(2 * left / toCome, left - (toCome - 1));
            long share = max <= 1 ? 1 : 1 + random.nextLong(max);
            shares[i] = share;
            left -= shares[i];
        }
        shares[count - 1] = left;
        return shares;
    }
}
