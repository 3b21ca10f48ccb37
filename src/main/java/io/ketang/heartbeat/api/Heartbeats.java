package io.ketang.heartbeat.api;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.heartbeat.internal.BeatBatch;
import io.ketang.heartbeat.internal.BeatKey;
import io.ketang.heartbeat.internal.HeartbeatOwner;
import io.ketang.heartbeat.messaging.HeartbeatChannel;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Liveness: the access layers note heartbeats here; every {@code ketang.heartbeat.flush-ms} the
 * node writes what it noted, one record per user and room (merged writes), to the heartbeats
 * topic, where the user's one owner keeps the timer. Exit notifications go out through here too.
 */
@ApplicationScoped
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class.getName());

    @Inject
    HeartbeatChannel channel;

    @Inject
    HeartbeatOwner owner;

    @Inject
    jakarta.enterprise.event.Event<Exited> exited;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    org.eclipse.microprofile.metrics.MetricRegistry metrics;

    @Inject
    io.ketang.heartbeat.internal.RecentExits recent;

    @Inject
    @ConfigProperty(name = "ketang.heartbeat.flush-ms", defaultValue = "5000")
    long flushMs;

    private final BeatBatch batch = new BeatBatch();
    private java.util.concurrent.Future<?> flushing;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        flushing = scheduler.scheduleWithFixedDelay(this::flush, flushMs, flushMs, TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (flushing != null) {
            flushing.cancel(false);
        }
        flush();
    }

    /** A user is alive in a room; merged with other beats until the next flush. */
    public void note(Beat beat) {
        batch.note(beat);
    }

    /** The user left the room: a beat still waiting must not bring them back. */
    public void forget(RoomRef room, long uin) {
        batch.forget(new BeatKey(room, uin));
    }

    /** Tells the business that a session left a room, and why (exits topic, keyed by bid). */
    public void exit(RoomRef room, long uin, Terminal terminal, ExitReason reason) {
        Exited exit = new Exited(room, uin, terminal, reason, System.currentTimeMillis());
        metrics.counter("ketang_heartbeat_exits", new org.eclipse.microprofile.metrics.Tag("reason", reason.wireName())).inc();
        recent.note(exit);
        exited.fire(exit);
        channel.exit(room, uin, terminal, reason).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "An exit notification was not published: {0}", failure.toString());
            }
        });
    }

    /**
     * The business's latest exits, newest first, across every node (the exits topic is the
     * durable feed; this is the console's recent view, the last {@code ketang.exits.recent} of each business).
     */
    public java.util.List<Exited> recentExits(String bid, int limit) {
        return recent.latest(bid, limit);
    }

    /** Heartbeat partitions this node owns now. */
    public java.util.Set<Integer> ownedPartitions() {
        return owner.owned();
    }

    private void flush() {
        try {
            for (Beat beat : batch.drain()) {
                channel.beat(beat);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Heartbeat flush failed: {0}", e.toString());
        }
    }
}
