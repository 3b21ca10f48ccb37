package io.ketang.flowcontrol.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.flowcontrol.api.Admission;
import io.ketang.flowcontrol.api.TokenBucket;
import io.ketang.flowcontrol.api.WhenRedisIsDown;
import io.ketang.platform.redis.RedisScript;

/**
 * A limit of {@code limit} admissions per one-second window, shared by every node through Redis,
 * per key (a business, a room, the cluster).
 *
 * <p>Nodes do not ask Redis per admission: each takes a lease of up to {@code lease} admissions
 * from the window's count in one script call (which reads Redis's clock, so every node agrees on
 * the window) and admits from it locally until it runs out or the window ends; unused admissions
 * of a lease lapse with its window. The script never grants more than {@code limit} per window,
 * so the cluster cannot overshoot; it can undershoot by the unused part of live leases (at most
 * nodes × lease). A node refused for a window asks Redis again only in the next one, so a flood
 * costs Redis one call per node per window.
 *
 * <p>The same script notes a window in which anything was refused, and returns how many windows in
 * a row were refused: the caller's cue for automatic degradation.
 *
 * <p>While Redis is unreachable the limit follows its {@link WhenRedisIsDown} mode, and it tries
 * Redis again after a second.
 */
public final class SharedLimit {

    /**
     * KEYS: count base, refused-window base. ARGV: limit, wanted, window ms, streak depth.
     * Returns {granted, ms left in the window, windows refused in a row up to this one}.
     */
    static final RedisScript LEASE = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local windowMs = tonumber(ARGV[3])
            local w = math.floor(now / windowMs)
            local countKey = KEYS[1] .. ':' .. w
            local used = tonumber(redis.call('GET', countKey) or '0')
            local grant = math.min(tonumber(ARGV[2]), tonumber(ARGV[1]) - used)
            if grant > 0 then
              redis.call('INCRBY', countKey, grant)
              redis.call('PEXPIRE', countKey, windowMs * 2)
            else
              grant = 0
            end
            local streak = 0
            if grant < tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2] .. ':' .. w, '1', 'PX', windowMs * (tonumber(ARGV[4]) + 2))
              streak = 1
              while streak < tonumber(ARGV[4]) and redis.call('EXISTS', KEYS[2] .. ':' .. (w - streak)) == 1 do
                streak = streak + 1
              end
            end
            return {grant, windowMs - (now % windowMs), streak}
            """);

    /** KEYS: count base. ARGV: window ms. Returns what the last whole window admitted. */
    private static final RedisScript LAST_WINDOW = new RedisScript("""
            local t = redis.call('TIME')
            local w = math.floor((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) / tonumber(ARGV[1]))
            return tonumber(redis.call('GET', KEYS[1] .. ':' .. (w - 1)) or '0')
            """);

    static final long WINDOW_MS = 1000;
    private static final long RETRY_REDIS_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Lapse a lease this long before Redis's window ends, for the time its answer took to arrive. */
    private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** What a lease call told: admitted or not, and how many windows in a row this key was refused. */
    public record Outcome(Admission admission, int refusedStreak) {
    }

    private final String name;
    private final long limit;
    private final long lease;
    private final int streakDepth;
    private final WhenRedisIsDown whenDown;
    private final UnifiedJedis redis;
    private final LongSupplier clock;
    private final Map<String, Local> locals = new ConcurrentHashMap<>();
    private volatile long redisRetryAt;

    /** This node's view of one key: the live lease, or the end of a refused window. */
    private static final class Local {
        long remaining;
        long endsAt;
        boolean refused;
        TokenBucket fallback;
    }

    /**
     * @param name        the limit's name in Redis keys and metrics
     * @param limit       admissions per second across the cluster
     * @param streakDepth how many refused windows in a row the outcome counts up to
     * @param clock       nanoseconds (System::nanoTime, or a test's clock)
     */
    public SharedLimit(String name, long limit, int streakDepth, WhenRedisIsDown whenDown, UnifiedJedis redis, LongSupplier clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + name + " must be at least 1 a second");
        }
        this.name = name;
        this.limit = limit;
        this.lease = Math.max(1, limit / 20);
        this.streakDepth = Math.max(1, streakDepth);
        this.whenDown = whenDown;
        this.redis = redis;
        this.clock = clock;
    }

    public String name() {
        return name;
    }

    public long limit() {
        return limit;
    }

    public WhenRedisIsDown whenRedisIsDown() {
        return whenDown;
    }

    /** Admits one for the key, or says why not. */
    public Outcome tryAcquire(String key) {
        Local local = locals.computeIfAbsent(key, k -> new Local());
        synchronized (local) {
            long now = clock.getAsLong();
            if (now < local.endsAt) {
                if (local.remaining > 0) {
                    local.remaining--;
                    return new Outcome(Admission.ADMITTED, 0);
                }
                if (local.refused) {
                    return new Outcome(Admission.rateLimited(TimeUnit.NANOSECONDS.toMillis(local.endsAt - now) + 1), 0);
                }
            }
            if (now < redisRetryAt) {
                return new Outcome(whileDown(local, now), 0);
            }
            List<?> answer;
            try {
                answer = (List<?>) LEASE.run(redis, List.of("ketang:flow:" + name + ":{" + key + "}", "ketang:flow:" + name
                        + ":refused:{" + key + "}"), List.of(Long.toString(limit), Long.toString(lease),
                        Long.toString(WINDOW_MS), Integer.toString(streakDepth)));
            } catch (RuntimeException redisAway) {
                redisRetryAt = now + RETRY_REDIS_NANOS;
                return new Outcome(whileDown(local, now), 0);
            }
            long granted = (Long) answer.get(0);
            long msLeft = (Long) answer.get(1);
            int streak = ((Long) answer.get(2)).intValue();
            local.endsAt = now + TimeUnit.MILLISECONDS.toNanos(msLeft) - MARGIN_NANOS;
            local.fallback = null;
            if (granted > 0) {
                local.remaining = granted - 1;
                local.refused = false;
                return new Outcome(Admission.ADMITTED, streak);
            }
            local.remaining = 0;
            local.refused = true;
            return new Outcome(Admission.rateLimited(msLeft), streak);
        }
    }

    private Admission whileDown(Local local, long now) {
        if (whenDown == WhenRedisIsDown.CLOSED) {
            return Admission.UNAVAILABLE;
        }
        if (local.fallback == null) {
            local.fallback = new TokenBucket(limit, (int) Math.min(Integer.MAX_VALUE, limit), now);
        }
        return local.fallback.tryTake(now) ? Admission.ADMITTED : Admission.rateLimited(local.fallback.millisUntilNext(now));
    }

    /**
     * How many the key admitted across the cluster in the last whole second (leases granted: a
     * node may not have used all of its lease); throws when Redis is away.
     */
    public long usedLastSecond(String key) {
        return (Long) LAST_WINDOW.run(redis, List.of("ketang:flow:" + name + ":{" + key + "}"), List.of(Long.toString(WINDOW_MS)));
    }

    /** Forgets keys with no live lease (called now and then, so idle rooms do not pile up). */
    public void forgetIdle() {
        long now = clock.getAsLong();
        locals.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return now >= e.getValue().endsAt && e.getValue().fallback == null;
            }
        });
    }
}
