package io.ketang.heartbeat.internal;

import static io.ketang.shared.Jsonp.JSON;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.api.Exited;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Each business's latest exits, for the console: a capped list in Redis per business
 * ({@code ketang:exits:{bid}}, newest first, the last {@code ketang.exits.recent}). Exits are
 * noted on the node that published them and written once a second in one push per business, so
 * a class end of 10,000 exits costs Redis a handful of calls, not 10,000. Bounded on the node too:
 * past {@code 4 × recent} waiting, the oldest are dropped (the exits topic keeps them all).
 */
@ApplicationScoped
public class RecentExits {

    private static final Logger LOG = Logger.getLogger(RecentExits.class.getName());

    @Inject
    UnifiedJedis redis;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ketang.exits.recent", defaultValue = "200")
    int keep;

    private final ConcurrentLinkedQueue<Exited> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private Future<?> writing;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        writing = scheduler.scheduleWithFixedDelay(this::write, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (writing != null) {
            writing.cancel(false);
        }
    }

    /** Notes an exit, written with the next second's batch. */
    public void note(Exited exit) {
        waiting.add(exit);
        if (waitingCount.incrementAndGet() > keep * 4 && waiting.poll() != null) {
            waitingCount.decrementAndGet();
        }
    }

    /** The business's latest exits, newest first; empty when Redis cannot say. */
    public List<Exited> latest(String bid, int limit) {
        List<String> stored = redis.lrange(key(bid), 0, Math.min(limit, keep) - 1L);
        List<Exited> exits = new ArrayList<>(stored.size());
        for (String json : stored) {
            parse(bid, json).ifPresent(exits::add);
        }
        return exits;
    }

    void write() {
        Map<String, List<String>> byBusiness = new HashMap<>();
        for (Exited exit; (exit = waiting.poll()) != null; ) {
            waitingCount.decrementAndGet();
            byBusiness.computeIfAbsent(exit.room().bid(), b -> new ArrayList<>()).add(encode(exit));
        }
        for (var entry : byBusiness.entrySet()) {
            try {
                redis.lpush(key(entry.getKey()), entry.getValue().toArray(String[]::new));
                redis.ltrim(key(entry.getKey()), 0, keep - 1L);
            } catch (RuntimeException redisAway) {
                LOG.log(Level.FINE, "Recent exits of a business not written: {0}", redisAway.toString());
            }
        }
    }

    private static String key(String bid) {
        return "ketang:exits:{" + bid + "}";
    }

    static String encode(Exited exit) {
        return JSON.createObjectBuilder().add("room", exit.room().room()).add("uin", exit.uin())
                .add("terminal", exit.terminal().wireName()).add("reason", exit.reason().wireName())
                .add("ts", exit.ts()).build().toString();
    }

    static Optional<Exited> parse(String bid, String json) {
        try (var reader = JSON.createReader(new java.io.StringReader(json))) {
            JsonObject o = reader.readObject();
            return Optional.of(new Exited(new RoomRef(bid, o.getString("room")), o.getJsonNumber("uin").longValue(),
                    Terminal.parse(o.getString("terminal")).orElseThrow(),
                    ExitReason.valueOf(o.getString("reason").toUpperCase(java.util.Locale.ROOT)), o.getJsonNumber("ts").longValue()));
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
