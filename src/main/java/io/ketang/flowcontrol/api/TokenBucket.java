package io.ketang.flowcontrol.api;

/**
 * A local token bucket: {@code ratePerSec} tokens a second, at most {@code burst} saved up.
 * Not thread-safe by design: each bucket belongs to one connection, whose frames the container
 * hands over one at a time. Time is passed in (nanoseconds), so it is tested without sleeping.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSec, int burst, long nowNanos) {
        if (ratePerSec <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.ratePerNano = ratePerSec / 1_000_000_000d;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /**
     * Takes {@code cost} tokens whether or not they are there: what was already served is paid
     * for by refusing what comes next. The debt is bounded by one burst, so a client is never
     * refused for longer than a full burst takes to refill.
     */
    public void charge(double cost, long nowNanos) {
        refill(nowNanos);
        tokens = Math.max(-burst, tokens - cost);
    }

    /** Whether the bucket has refilled to its burst: it is then the same as a new one. */
    public boolean full(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    /** Milliseconds until the next token, at least 1; what a refused client is told to wait. */
    public long millisUntilNext(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            return 0;
        }
        double nanos = (1 - tokens) / ratePerNano;
        return Math.max(1, (long) Math.ceil(nanos / 1_000_000d));
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            lastNanos = nowNanos;
        }
    }
}
