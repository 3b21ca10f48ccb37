package io.ketang.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.ketang.flowcontrol.api.TokenBucket;

/**
 * Token buckets that belong to a user on this node rather than to one connection, so that
 * reconnecting, or logging in again on a new socket, does not refill them. A bucket stays while a
 * session holds it, and afterwards until it has refilled, when forgetting it changes nothing: a new
 * bucket starts full too. Thread-safe; a bucket is used under its {@link Budget}'s lock.
 */
final class Budgets {

    private final double ratePerSec;
    private final int burst;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    Budgets(double ratePerSec, int burst) {
        this.ratePerSec = ratePerSec;
        this.burst = burst;
    }

    /** One user's bucket and how many sessions hold it (both guarded by the budget's lock, or the map's). */
    static final class Budget {
        private final TokenBucket bucket;
        private int holders;

        private Budget(TokenBucket bucket) {
            this.bucket = bucket;
        }

        /** A budget of one connection alone, before it says who it is. */
        static Budget ofConnection(double ratePerSec, int burst, long nowNanos) {
            return new Budget(new TokenBucket(ratePerSec, burst, nowNanos));
        }

        /** Takes a token if there is one; otherwise the milliseconds until there is (at least 1). */
        synchronized long take(long nowNanos) {
            return bucket.tryTake(nowNanos) ? 0 : bucket.millisUntilNext(nowNanos);
        }

        /** Takes what was served, refusing later frames until it is paid for. */
        synchronized void charge(double cost, long nowNanos) {
            bucket.charge(cost, nowNanos);
        }

        private synchronized boolean full(long nowNanos) {
            return bucket.full(nowNanos);
        }
    }

    /** The key's budget, held until {@link #release}; the one it left behind if it was used lately. */
    Budget acquire(String key, long nowNanos) {
        return budgets.compute(key, (k, b) -> {
            Budget budget = b != null ? b : new Budget(new TokenBucket(ratePerSec, burst, nowNanos));
            budget.holders++;
            return budget;
        });
    }

    void release(String key) {
        budgets.computeIfPresent(key, (k, b) -> {
            b.holders--;
            return b;
        });
    }

    /** Forgets the budgets nobody holds that have refilled. */
    void sweep(long nowNanos) {
        for (String key : budgets.keySet()) {
            budgets.computeIfPresent(key, (k, b) -> b.holders <= 0 && b.full(nowNanos) ? null : b);
        }
    }

    int size() {
        return budgets.size();
    }

    double ratePerSec() {
        return ratePerSec;
    }

    int burst() {
        return burst;
    }
}
