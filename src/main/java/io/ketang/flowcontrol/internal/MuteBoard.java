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
 * Which rooms and businesses have chat muted, and whether the whole cluster has. Redis holds the
 * truth ({@code ketang:mute:{bid/room}}, {@code ketang:mute:{bid}} and {@code ketang:mute:{*}},
 * valued {@code auto:<ms>}, {@code admin} or {@code staff}); every
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

    @Inject
    @ConfigProperty(name = "ketang.flow.cluster-pushes-per-sec", defaultValue = "20000")
    long clusterPerSec;

    /** Lifted when the chat tried in the room stays below this share of its limit. */
    @Inject
    @ConfigProperty(name = "ketang.flow.auto-mute.lift-ratio", defaultValue = "0.5")
    double liftRatio;

    /** Known state per key ("bid" or "bid/room"): the Redis value, or "" when not muted. */
    private final Map<String, String> known = new ConcurrentHashMap<>();
    /** Counts the announced changes taken in, and when (by that count) each key last changed so. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();
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

    /** The key of the cluster-wide mute. */
    public static final String CLUSTER = "*";

    /**
     * What mutes a room's chat: the cluster's, its business's or its own mute, in that order.
     *
     * @param key    {@link #CLUSTER}, the bid, or {@code bid/room}
     * @param reason how clients are told: {@code cluster}, {@code business}, or the room's own
     *               {@code auto}, {@code admin} or {@code staff}
     * @param auto   set automatically by flow control (lifted when calm)
     */
    public record Muted(String key, String reason, boolean auto) {
    }

    /** What mutes the room's chat, or null when nothing does. */
    public Muted mutedBy(RoomRef room) {
        for (String key : new String[] {CLUSTER, room.bid(), room.key()}) {
            String value = state(key);
            if (!value.isEmpty()) {
                return new Muted(key, wireReason(key, value), value.startsWith("auto:"));
            }
        }
        return null;
    }

    /** What mutes the key itself (not what is above it), or null. */
    public Muted mutedBy(String key) {
        String value = state(key);
        return value.isEmpty() ? null : new Muted(key, wireReason(key, value), value.startsWith("auto:"));
    }

    private static String wireReason(String key, String value) {
        if (CLUSTER.equals(key)) {
            return "cluster";
        }
        if (key.indexOf('/') < 0) {
            return "business";
        }
        return value.startsWith("auto:") ? "auto" : value;
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

    /**
     * The rooms of a business whose own mute is set (automatic, admin or staff), read from Redis
     * (a scan of the business's mute keys: for the console, not for a hot path), up to {@code limit}.
     */
    public List<Muted> mutedRooms(String bid, int limit) {
        List<Muted> muted = new java.util.ArrayList<>();
        // every node of a Redis Cluster in turn (the rooms' keys are spread over all the slots), or the one Redis
        var scan = redis.scanIteration(500, "ketang:mute:{" + bid + "/*}");
        while (!scan.isIterationCompleted() && muted.size() < limit) {
            for (String key : scan.nextBatchList()) {
                String value = redis.get(key);
                String roomKey = key.substring("ketang:mute:{".length(), key.length() - 1);
                if (value != null && muted.size() < limit) {
                    muted.add(new Muted(roomKey, wireReason(roomKey, value), value.startsWith("auto:")));
                }
            }
        }
        return muted;
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
            // this node knows at once (the caller reads it back in its reply); the others hear the announcement
            noteChange(key);
            apply(key, after);
            announce(key, after);
        }
    }

    /**
     * Mutes a room ({@code bid/room}) or the cluster ({@link #CLUSTER}) automatically unless it is
     * muted already; true when this call muted it.
     */
    public boolean autoMute(String key) {
        String value = "auto:" + System.currentTimeMillis();
        String ok = redis.set(muteKey(key), value, SetParams.setParams().nx());
        if (!"OK".equals(ok)) {
            return false;
        }
        announce(key, value);
        return true;
    }

    /** Counts a chat refused because of an automatic mute (the calm check needs it). */
    public void refusedWhileMuted(String key) {
        refused.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private void announce(String key, String value) {
        noteChange(key);
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
            noteChange(message.substring(0, space));
            apply(message.substring(0, space), message.substring(space + 1));
        }
    }

    private void noteChange(String key) {
        changedAt.put(key, changes.incrementAndGet());
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
        String bid = CLUSTER.equals(key) ? null : slash < 0 ? key : key.substring(0, slash);
        String room = slash < 0 ? null : key.substring(slash + 1);
        String reason = value.isEmpty() ? "" : wireReason(key, value);
        LOG.log(Level.INFO, "Chat in {0} {1} {2}", new Object[] {CLUSTER.equals(key) ? "every room" : key,
                value.isEmpty() ? "unmuted" : "muted", reason});
        changed.fire(new MuteChanged(bid, room, !value.isEmpty(), reason));
    }

    /**
     * Every second: report refused chat of auto-muted rooms (lifting calm ones), refresh the copy.
     * Every minute the unmuted entries are forgotten (read again on their next use), so rooms that
     * ended do not pile up.
     */
    private void tick() {
        if (++ticks % 60 == 0) {
            known.values().removeIf(String::isEmpty);
            changedAt.keySet().removeIf(k -> !known.containsKey(k));
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
        long limit = CLUSTER.equals(roomKey) ? clusterPerSec : roomChatPerSec;
        long threshold = Math.max(1, (long) (limit * liftRatio));
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
        long readFrom = changes.get();
        // one read per key, pipelined: the keys are a room's, a business's and the cluster's, in
        // different hash slots of a Redis Cluster, where one MGET across slots is refused
        List<redis.clients.jedis.Response<String>> values = new ArrayList<>(keys.size());
        try (var pipeline = redis.pipelined()) {
            for (String key : keys) {
                values.add(pipeline.get(muteKey(key)));
            }
            pipeline.sync();
        }
        for (int i = 0; i < keys.size(); i++) {
            // a change announced while this read was under way is newer than what it read: a stale
            // read must not unmute a room for a second (clients saw "muted": false, then true)
            if (changedAt.getOrDefault(keys.get(i), 0L) <= readFrom) {
                apply(keys.get(i), orEmpty(values.get(i).get()));
            }
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String muteKey(String key) {
        return "ketang:mute:{" + key + "}";
    }
}
