package io.ketang.room.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import io.ketang.shared.RoomRef;

/**
 * Who was kicked from which room, for how long, in Redis so every node knows
 * ({@code ketang:kick:<bid>/<room>:<uin>} with a time to live). When Redis cannot answer, a join
 * is let through (fail open): a class that goes on matters more than a ban that lapses.
 */
@ApplicationScoped
public class KickList {

    private static final Logger LOG = Logger.getLogger(KickList.class.getName());

    @Inject
    UnifiedJedis redis;

    @Inject
    @ConfigProperty(name = "ketang.room.kick-ban-ms", defaultValue = "600000")
    long banMs;

    /** Bans the user from the room for the configured period. */
    public void ban(RoomRef room, long uin) {
        redis.set(key(room, uin), "1", SetParams.setParams().px(banMs));
    }

    /** Milliseconds left on the user's ban, 0 when there is none (or Redis cannot say). */
    public long remainingMs(RoomRef room, long uin) {
        try {
            long ttl = redis.pttl(key(room, uin));
            return Math.max(0, ttl);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Kick list unreadable, letting a join through: {0}", e.toString());
            return 0;
        }
    }

    private static String key(RoomRef room, long uin) {
        return "ketang:kick:" + room.key() + ":" + uin;
    }
}
