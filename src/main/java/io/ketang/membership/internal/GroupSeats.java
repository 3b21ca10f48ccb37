package io.ketang.membership.internal;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.shared.RoomRef;
import io.ketang.platform.redis.RedisScript;

/**
 * Small-class groups: the n-th student to enter a room takes seat n, and seats fill groups in
 * order ({@code g1} holds seats 1..size, {@code g2} the next size, ...). Seats are counted in Redis
 * with one script, so two nodes never hand out the same seat, and a student who comes back keeps
 * the group they had.
 */
@ApplicationScoped
public class GroupSeats {

    private static final RedisScript SEAT = new RedisScript("""
            local group = redis.call('HGET', KEYS[1], ARGV[1])
            if not group then
              local seat = redis.call('INCR', KEYS[2])
              group = 'g' .. (math.floor((seat - 1) / tonumber(ARGV[2])) + 1)
              redis.call('HSET', KEYS[1], ARGV[1], group)
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return group""");

    /** Seats are forgotten a day after the room's last join. */
    static final long KEEP_MS = 24L * 3600 * 1000;

    @Inject
    UnifiedJedis redis;

    /** The student's group in a room of groups of {@code size}. */
    public String groupOf(RoomRef room, long uin, int size) {
        Object group = SEAT.run(redis, List.of("ketang:groups:{" + room.key() + "}", "ketang:seats:{" + room.key() + "}"),
                List.of(String.valueOf(uin), String.valueOf(size), String.valueOf(KEEP_MS)));
        return String.valueOf(group);
    }
}
