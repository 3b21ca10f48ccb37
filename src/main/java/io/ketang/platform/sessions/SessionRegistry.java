package io.ketang.platform.sessions;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import io.ketang.shared.Terminal;
import io.ketang.platform.redis.RedisScript;

/**
 * Who is connected where, across nodes, in Redis: one key per (bid, uin, terminal),
 * {@code ketang:sess:{<bid>:<uin>}:<terminal>} = {@code node|session|since}, expiring
 * {@code ketang.sessions.ttl-ms} after the last sign of life, so a node that dies leaves no entry
 * behind for long. The gateway writes it; anyone may ask whether a user is still connected.
 */
@ApplicationScoped
public class SessionRegistry {

    /** Sets the entry only if it is absent or still ours, and refreshes its expiry. */
    private static final RedisScript REFRESH = new RedisScript("""
            local current = redis.call('GET', KEYS[1])
            if current == false or current == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0""");

    /** Deletes the entry only if it is still ours: a newer session's entry stays (and 0 says so). */
    private static final RedisScript RELEASE = new RedisScript("""
            local current = redis.call('GET', KEYS[1])
            if current == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            if current == false then
              return 1
            end
            return 0""");

    @Inject
    UnifiedJedis redis;

    @Inject
    @ConfigProperty(name = "ketang.sessions.ttl-ms", defaultValue = "80000")
    long ttlMs;

    /**
     * Records the session as the user's one session on this terminal, and returns the one it
     * replaces, if any: that one must be closed (4409), wherever it is.
     */
    public Optional<SessionEntry> claim(String bid, long uin, Terminal terminal, SessionEntry entry) {
        String previous = redis.setGet(key(bid, uin, terminal), entry.encode(), SetParams.setParams().px(ttlMs));
        return Optional.ofNullable(SessionEntry.decode(previous)).filter(p -> !p.equals(entry));
    }

    /** Keeps the session's entry alive; false when a newer session has taken the terminal. */
    public boolean refresh(String bid, long uin, Terminal terminal, SessionEntry entry) {
        Object result = REFRESH.run(redis, List.of(key(bid, uin, terminal)), List.of(entry.encode(), String.valueOf(ttlMs)));
        return Long.valueOf(1).equals(result);
    }

    /**
     * Removes the session's entry, unless a newer session has already taken the terminal.
     *
     * @return false when a newer session holds the terminal: the user did not go, they moved
     */
    public boolean release(String bid, long uin, Terminal terminal, SessionEntry entry) {
        return Long.valueOf(1).equals(RELEASE.run(redis, List.of(key(bid, uin, terminal)), List.of(entry.encode())));
    }

    /** The longest time to live of the given keys in ms, 0 when none exists. */
    private static final RedisScript LONGEST_TTL = new RedisScript("""
            local longest = 0
            for _, key in ipairs(KEYS) do
              local ttl = redis.call('PTTL', key)
              if ttl > longest then longest = ttl end
            end
            return longest""");

    /**
     * How much longer the user counts as connected (on any terminal, on any node): the time to
     * live of their freshest session entry in ms, 0 when they hold none. A user whose node froze
     * or died still counts for a while after their last heartbeat, long enough to reconnect.
     */
    public long connectedForMs(String bid, long uin) {
        List<String> keys = new java.util.ArrayList<>();
        for (Terminal t : Terminal.values()) {
            keys.add(key(bid, uin, t));
        }
        Object longest = LONGEST_TTL.run(redis, keys, List.of());
        return longest instanceof Long ms ? ms : 0;
    }

    /** The user's sessions, by terminal (one read: a user's keys share a hash slot). */
    public Map<Terminal, SessionEntry> entries(String bid, long uin) {
        Terminal[] terminals = Terminal.values();
        String[] keys = new String[terminals.length];
        for (int i = 0; i < terminals.length; i++) {
            keys[i] = key(bid, uin, terminals[i]);
        }
        List<String> values = redis.mget(keys);
        Map<Terminal, SessionEntry> entries = new EnumMap<>(Terminal.class);
        for (int i = 0; i < terminals.length; i++) {
            SessionEntry entry = SessionEntry.decode(values.get(i));
            if (entry != null) {
                entries.put(terminals[i], entry);
            }
        }
        return entries;
    }


    private static String key(String bid, long uin, Terminal terminal) {
        // one user's terminals in one hash slot: connectedForMs reads them in one script
        return "ketang:sess:{" + bid + ":" + uin + "}:" + terminal.wireName();
    }
}
