package io.ketang.flowcontrol.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import io.ketang.flowcontrol.api.MuteChanged;
import io.ketang.platform.redis.RedisScript;
import io.ketang.platform.redis.RedisSubscription;
import io.ketang.shared.RoomRef;

/**
 * Which rooms and businesses have chat muted. Redis holds the truth ({@code ketang:mute:{bid/room}}
 * and {@code ketang:mute:{bid}}, valued {@code auto:<ms>}, {@code admin} or {@code staff}); every
 * change is announced on the {@code ketang:mutes} channel, and each node keeps a copy it reads
 * without Redis and refreshes every two seconds (which also repairs an announcement lost while
 * Redis was away).
 *
 * <p>An automatic mute is lifted when the room has been calm: each node reports the chat it
 * refused in each auto-muted room every second, and the one script run that finds the last
 * {@code calm-windows} seconds below the lift threshold removes the mute and announces it.
 */
@ApplicationScoped
public class MuteBoard {

    private static final Logger LOG = Logger.getLogger(MuteBoard.class.getName());
    private static final String CHANNEL = "ketang:mutes";

    /**
     * KEYS: attempts base, mute key. ARGV: attempts to add, lift threshold, window ms, calm windows.
     * Returns 1 to the one caller that lifted the mute.
     */
    private static final RedisScript CALM = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local windowMs = tonumber(ARGV[3])
            local calm = tonumber(ARGV[4])
            local w = math.floor(now / windowMs)
            if tonumber(ARGV[1]) > 0 then
              redis.call('INCRBY', KEYS[1] .. ':' .. w, ARGV[1])
              redis.call('PEXPIRE', KEYS[1] .. ':' .. w, windowMs * (calm + 2))
            end
            local m = redis.call('GET', KEYS[2])
            if not m or string.sub(m, 1, 5) ~= 'auto:' then
              return 0
            end
            if now - tonumber(string.sub(m, 6)) < windowMs * (calm + 1) then
              return 0
            end
            for i = 1, calm do
              if tonumber(redis.call('GET', KEYS[1] .. ':' .. (w - i)) or '0') >= tonumber(ARGV[2]) then
                return 0
              end
            end
            redis.call('DEL', KEYS[2])
            return 1
            """);

    @Inject
    UnifiedJedis redis;

    @Inject
    Event<MuteChanged> changed;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "ketang.flow.auto-mute.calm-windows", defaultValue = "5")
    int calmWindows;

    @Inject
    @ConfigProperty(name = "ketang.flow.room-chat-per-sec", defaultValue = "200")
    long roomChatPerSec;

    /** Lifted when the chat tried in the room stays below this share of its limit. */
    @Inject
    @ConfigProperty(name = "ketang.flow.auto-mute.lift-ratio", defaultValue = "0.5")
    double liftRatio;

    /** Known state per key ("bid" or "bid/room"): the Redis value, or "" when not muted. */
    private final Map<String, String> known = new ConcurrentHashMap<>();
    /** Chat refused in auto-muted rooms since the last report, per room key. */
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private RedisSubscription subscription;
    private Future<?> refreshing;
    private long ticks;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        subscription = RedisSubscription.start(redis, threads, "ketang-mutes", CHANNEL, (ch, message) -> onAnnounced(message));
        refreshing = scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (subscription != null) {
            subscription.stop();
        }
        if (refreshing != null) {
            refreshing.cancel(false);
        }
    }

    /** The reason chat is muted in the room (its own mute or its business's), or null when it is not. */
    public String mutedBecause(RoomRef room) {
        String business = state(room.bid());
        if (!business.isEmpty()) {
            return reasonOf(business);
        }
        String own = state(room.key());
        return own.isEmpty() ? null : reasonOf(own);
    }

    /** The business's own mute reason, or null. */
    public String businessMutedBecause(String bid) {
        String business = state(bid);
        return business.isEmpty() ? null : reasonOf(business);
    }

    private String state(String key) {
        String value = known.get(key);
        if (value != null) {
            return value;
        }
        try {
            value = orEmpty(redis.get(muteKey(key)));
        } catch (RuntimeException redisAway) {
            return ""; // unknown: chat stays open; the refresh fills it in when Redis is back
        }
        known.put(key, value);
        return value;
    }

    /** Mutes or unmutes by hand ({@code admin} or {@code staff}); announces it when the state changed. */
    public void set(String key, boolean muted, String reason) {
        String before = orEmpty(redis.get(muteKey(key)));
        if (muted) {
            redis.set(muteKey(key), reason);
        } else {
            redis.del(muteKey(key));
        }
        String after = muted ? reason : "";
        if (!before.equals(after)) {
            announce(key, after);
        }
    }

    /** Mutes a room automatically unless it is muted already; true when this call muted it. */
    public boolean autoMute(RoomRef room) {
        String value = "auto:" + System.currentTimeMillis();
        String ok = redis.set(muteKey(room.key()), value, SetParams.setParams().nx());
        if (!"OK".equals(ok)) {
            return false;
        }
        announce(room.key(), value);
        return true;
    }

    /** Counts a chat refused because the room is auto-muted (the calm check needs it). */
    public void refusedWhileMuted(RoomRef room) {
        refused.computeIfAbsent(room.key(), k -> new AtomicLong()).incrementAndGet();
    }

    private void announce(String key, String value) {
        apply(key, value);
        try {
            redis.publish(CHANNEL, key + " " + value);
        } catch (RuntimeException redisAway) {
            LOG.log(Level.WARNING, "Mute change of {0} not announced ({1}); other nodes see it within 2 s of Redis",
                    new Object[] {key, redisAway.toString()});
        }
    }

    private void onAnnounced(String message) {
        int space = message.indexOf(' ');
        if (space > 0) {
            apply(message.substring(0, space), message.substring(space + 1));
        }
    }

    /** Takes a state in, and tells this node's listeners when it differs from what it knew. */
    private void apply(String key, String value) {
        String before = known.put(key, value);
        if (before != null && before.equals(value)) {
            return;
        }
        if (before == null && value.isEmpty()) {
            return;
        }
        int slash = key.indexOf('/');
        String bid = slash < 0 ? key : key.substring(0, slash);
        String room = slash < 0 ? null : key.substring(slash + 1);
        LOG.log(Level.INFO, "Chat in {0} {1} ({2})", new Object[] {key, value.isEmpty() ? "unmuted" : "muted",
                value.isEmpty() ? "-" : reasonOf(value)});
        changed.fire(new MuteChanged(bid, room, !value.isEmpty(), value.isEmpty() ? "" : reasonOf(value)));
    }

    /**
     * Every second: report refused chat of auto-muted rooms (lifting calm ones), refresh the copy.
     * Every minute the unmuted entries are forgotten (read again on their next use), so rooms that
     * ended do not pile up.
     */
    private void tick() {
        if (++ticks % 60 == 0) {
            known.values().removeIf(String::isEmpty);
            refused.keySet().removeIf(k -> !known.containsKey(k));
        }
        try {
            for (Map.Entry<String, String> e : known.entrySet()) {
                if (e.getValue().startsWith("auto:")) {
                    reportCalm(e.getKey());
                }
            }
            refresh();
        } catch (RuntimeException redisAway) {
            // the copy stays as it was; the next tick tries again
        }
    }

    private void reportCalm(String roomKey) {
        AtomicLong count = refused.get(roomKey);
        long attempts = count == null ? 0 : count.getAndSet(0);
        long threshold = Math.max(1, (long) (roomChatPerSec * liftRatio));
        Object lifted = CALM.run(redis, List.of("ketang:flow:muted-chat:{" + roomKey + "}", muteKey(roomKey)),
                List.of(Long.toString(attempts), Long.toString(threshold), Long.toString(SharedLimit.WINDOW_MS),
                        Integer.toString(calmWindows)));
        if (Long.valueOf(1).equals(lifted)) {
            announce(roomKey, "");
        }
    }

    private void refresh() {
        List<String> keys = new ArrayList<>(known.keySet());
        if (keys.isEmpty()) {
            return;
        }
        List<String> values = redis.mget(keys.stream().map(MuteBoard::muteKey).toArray(String[]::new));
        for (int i = 0; i < keys.size(); i++) {
            apply(keys.get(i), orEmpty(values.get(i)));
        }
    }

    private static String reasonOf(String value) {
        return value.startsWith("auto:") ? "auto" : value;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String muteKey(String key) {
        return "ketang:mute:{" + key + "}";
    }
}
