package io.ketang.push.internal;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.shared.RoomRef;
import io.ketang.platform.redis.RedisScript;

/**
 * Each room's important messages in Redis: a counter ({@code ketang:seq:{<bid/room>}}) and the
 * history ({@code ketang:hist:{<bid/room>}}, in the counter's hash slot: a sorted set by seq of {@code ts|frame}). One script
 * takes the next seq, writes the frame with it and trims the history, so a seq is never handed out
 * without its message being pullable. Retention keeps whichever is more: the last
 * {@code ketang.push.history-count} messages or those of the last {@code ketang.push.history-ms}.
 */
@ApplicationScoped
public class History {

    private static final RedisScript APPEND = new RedisScript("""
            local seq = redis.call('INCR', KEYS[1])
            local frame = ARGV[1] .. seq .. ARGV[2]
            local now = tonumber(ARGV[3])
            redis.call('ZADD', KEYS[2], seq, ARGV[3] .. '|' .. frame)
            local keep = tonumber(ARGV[4])
            local cutoff = now - tonumber(ARGV[5])
            local n = redis.call('ZCARD', KEYS[2])
            if n > keep then
              for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, n - keep - 1)) do
                local ts = tonumber(string.match(old, '^(%d+)|'))
                if ts and ts < cutoff then
                  redis.call('ZREM', KEYS[2], old)
                else
                  break
                end
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            redis.call('PEXPIRE', KEYS[2], ARGV[6])
            return {seq, frame}""");

    /** Replaces a seq's message with a void one: the seq stays contiguous and pullable, the message is gone. */
    private static final RedisScript VOID = new RedisScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            return 1""");

    /** Counters and histories of rooms silent for a day are dropped. */
    static final long IDLE_MS = 24L * 3600 * 1000;

    @Inject
    UnifiedJedis redis;

    @Inject
    @ConfigProperty(name = "ketang.push.history-count", defaultValue = "2000")
    int keepCount;

    @Inject
    @ConfigProperty(name = "ketang.push.history-ms", defaultValue = "1800000")
    long keepMs;

    /** A message with its seq, as stored and as sent. */
    public record Stored(long seq, String frame) {
    }

    /**
     * Appends a message: its frame is {@code prefix + seq + suffix}, so the seq is written into the
     * frame by the same script that assigns it.
     */
    public Stored append(RoomRef room, String prefix, String suffix, long now) {
        @SuppressWarnings("unchecked")
        List<Object> result = (List<Object>) APPEND.run(redis, List.of(seqKey(room), historyKey(room)), List.of(
                prefix, suffix, String.valueOf(now), String.valueOf(keepCount), String.valueOf(keepMs), String.valueOf(IDLE_MS)));
        return new Stored((Long) result.get(0), (String) result.get(1));
    }

    /** Marks a seq whose message could not be published as void. */
    public void voidSeq(RoomRef room, long seq, String voidFrame, long now) {
        VOID.run(redis, List.of(historyKey(room)), List.of(String.valueOf(seq), now + "|" + voidFrame));
    }

    /** The room's last seq, 0 when nothing was ever sent. */
    public long head(RoomRef room) {
        String head = redis.get(seqKey(room));
        return head == null ? 0 : Long.parseLong(head);
    }

    /** Up to {@code limit} messages after {@code afterSeq}, in seq order. */
    public List<Stored> after(RoomRef room, long afterSeq, int limit) {
        List<Stored> out = new ArrayList<>();
        for (var tuple : redis.zrangeByScoreWithScores(historyKey(room), afterSeq + 1, Double.POSITIVE_INFINITY, 0, limit)) {
            String member = tuple.getElement();
            out.add(new Stored((long) tuple.getScore(), member.substring(member.indexOf('|') + 1)));
        }
        return out;
    }

    private static String seqKey(RoomRef room) {
        return "ketang:seq:{" + room.key() + "}";
    }

    private static String historyKey(RoomRef room) {
        return "ketang:hist:{" + room.key() + "}";
    }
}
