package io.ketang.push.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import io.ketang.push.api.RoomMessageArrived;
import io.ketang.push.api.Target;
import io.ketang.push.api.UserMessageArrived;
import io.ketang.shared.RoomRef;

/**
 * What this node does with what comes off the push topic. Important messages go out at once, each
 * seq at most once per node: the connector may redeliver after a restart, and a redelivered seq is
 * not pushed to a socket twice. Normal messages are merged per room per window into one
 * {@code batch} frame.
 */
@ApplicationScoped
public class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class.getName());

    @Inject
    Event<RoomMessageArrived> arrived;

    @Inject
    Event<UserMessageArrived> toUsers;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    MetricRegistry metrics;

    @Inject
    @ConfigProperty(name = "ketang.push.batch-window-ms", defaultValue = "200")
    long windowMs;

    @Inject
    @ConfigProperty(name = "ketang.push.batch-max-items", defaultValue = "100")
    int maxItems;

    /**
     * The most characters of items a batch frame carries (the rest are left out and counted in
     * {@code dropped}): within this, the frame is small enough for the gateway's blocking writes.
     */
    @Inject
    @ConfigProperty(name = "ketang.push.batch-max-chars", defaultValue = "3000")
    int maxChars;

    /**
     * The most batch frames a room's unimportant messages may cost a second across the cluster:
     * a room of more members than this × window gets longer windows, so that each member gets a
     * batch less often (and the batch holds at most {@code batch-max-items}). A class of 60,000
     * hears its chat every 1.2 s; one of 1,000 every 200 ms.
     */
    @Inject
    @ConfigProperty(name = "ketang.push.batch-frames-per-sec", defaultValue = "50000")
    long framesPerSec;

    @Inject
    io.ketang.membership.api.Memberships memberships;

    /** The seqs this node delivered per room (the highest and a window below it). */
    private final Map<RoomRef, DeliveredSeqs> delivered = new ConcurrentHashMap<>();
    private BatchMerger merger;
    private Future<?> flushing;

    @PostConstruct
    void init() {
        merger = new BatchMerger(maxItems, maxChars);
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        flushing = scheduler.scheduleWithFixedDelay(this::flush, windowMs, windowMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (flushing != null) {
            flushing.cancel(false);
        }
    }

    /** The room's window: the base one, or longer for a room whose members would get more than {@code batch-frames-per-sec} batches. */
    long windowNanos(RoomRef room) {
        return windowNanos(windowMs, framesPerSec, memberships.count(room));
    }

    /**
     * How long the room's window stays open: {@code members} batch frames per window must stay
     * within {@code framesPerSec}, so the window lasts at least {@code members / framesPerSec}
     * seconds. A room within that at the base window is drained at every flush (0), as before;
     * a longer window is due half a base window early, since flushes come once a base window
     * and it goes at the flush nearest its length.
     */
    static long windowNanos(long baseMs, long framesPerSec, int members) {
        long base = TimeUnit.MILLISECONDS.toNanos(baseMs);
        long needed = members * TimeUnit.SECONDS.toNanos(1) / Math.max(1, framesPerSec);
        return needed <= base ? 0 : needed - base / 2;
    }

    /** An important message; skipped when this node already delivered its seq. */
    public void important(RoomRef room, long seq, String frame) {
        if (!delivered.computeIfAbsent(room, r -> new DeliveredSeqs()).firstTime(seq)) {
            return;
        }
        arrived.fire(new RoomMessageArrived(room, Target.ROOM, frame, seq));
    }

    /** A message for part of a room: the gateway delivers it to the matching sockets only. */
    public void targeted(RoomRef room, Target target, String frame) {
        arrived.fire(new RoomMessageArrived(room, target, frame));
    }

    /** A message to users wherever they are. */
    public void toUsers(String bid, java.util.Set<Long> uins, String frame) {
        toUsers.fire(new UserMessageArrived(bid, uins, frame));
    }

    /** A normal message's item, for the room's current window. */
    public void normal(RoomRef room, String item) {
        merger.add(room, item);
    }

    private void flush() {
        try {
            for (BatchMerger.Batch batch : merger.drain(System.nanoTime(), this::windowNanos)) {
                StringBuilder frame = new StringBuilder(64 + batch.items().size() * 96)
                        .append("{\"type\":\"batch\",\"room\":\"").append(batch.room().room()).append("\",\"items\":[");
                for (int i = 0; i < batch.items().size(); i++) {
                    if (i > 0) {
                        frame.append(',');
                    }
                    frame.append(batch.items().get(i));
                }
                frame.append("],\"dropped\":").append(batch.dropped()).append('}');
                if (batch.dropped() > 0) {
                    metrics.counter("ketang_push_sampled_out", new Tag("bid", batch.room().bid())).inc(batch.dropped());
                }
                metrics.counter("ketang_push_batches", new Tag("bid", batch.room().bid())).inc();
                arrived.fire(RoomMessageArrived.batch(batch.room(), frame.toString()));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Batch flush failed: {0}", e.toString());
        }
    }
}
