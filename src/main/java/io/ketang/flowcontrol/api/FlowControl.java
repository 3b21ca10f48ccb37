package io.ketang.flowcontrol.api;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.flowcontrol.internal.MuteBoard;
import io.ketang.flowcontrol.internal.SharedLimit;
import io.ketang.shared.RoomRef;

/**
 * Admission for everything that is pushed, in the order the design gives: a muted room refuses
 * chat; each room's unimportant traffic has a limit shared by all nodes (over it, the room is
 * refused and, after {@code auto-mute.after-windows} seconds in a row, muted until calm); the
 * cluster has a limit on unimportant pushes a second (over it for as long, chat is muted in every
 * room until calm); each business has a limit on its REST pushes. Important messages are never refused by flow control. Every verdict is counted in
 * metrics ({@code ketang_flow_admissions_total} by limit, business and verdict).
 */
@ApplicationScoped
public class FlowControl {

    private static final Logger LOG = Logger.getLogger(FlowControl.class.getName());

    @Inject
    UnifiedJedis redis;

    @Inject
    MuteBoard mutes;

    @Inject
    MetricRegistry metrics;

    @Inject
    @ConfigProperty(name = "ketang.flow.room-chat-per-sec", defaultValue = "200")
    long roomChatPerSec;

    @Inject
    @ConfigProperty(name = "ketang.flow.room-chat.when-redis-down", defaultValue = "OPEN")
    WhenRedisIsDown roomChatWhenDown;

    @Inject
    @ConfigProperty(name = "ketang.flow.cluster-pushes-per-sec", defaultValue = "20000")
    long clusterPerSec;

    @Inject
    @ConfigProperty(name = "ketang.flow.cluster.when-redis-down", defaultValue = "OPEN")
    WhenRedisIsDown clusterWhenDown;

    @Inject
    @ConfigProperty(name = "ketang.flow.business-pushes-per-sec", defaultValue = "500")
    long businessPerSec;

    @Inject
    @ConfigProperty(name = "ketang.flow.business.when-redis-down", defaultValue = "CLOSED")
    WhenRedisIsDown businessWhenDown;

    /** Seconds in a row over the room limit before chat is muted automatically. */
    @Inject
    @ConfigProperty(name = "ketang.flow.auto-mute.after-windows", defaultValue = "3")
    int autoMuteAfter;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private Future<?> forgetting;
    private SharedLimit roomChat;
    private SharedLimit cluster;
    private SharedLimit business;

    @PostConstruct
    void init() {
        roomChat = new SharedLimit("room-chat", roomChatPerSec, autoMuteAfter, roomChatWhenDown, redis, System::nanoTime);
        cluster = new SharedLimit("cluster", clusterPerSec, autoMuteAfter, clusterWhenDown, redis, System::nanoTime);
        business = new SharedLimit("business", businessPerSec, 1, businessWhenDown, redis, System::nanoTime);
        // rooms and businesses with no live lease are forgotten now and then
        forgetting = scheduler.scheduleWithFixedDelay(() -> {
            roomChat.forgetIdle();
            cluster.forgetIdle();
            business.forgetIdle();
        }, 30, 30, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (forgetting != null) {
            forgetting.cancel(false);
        }
    }

    /**
     * An unimportant message (chat, flowers, hand raise) sent to a room by a client. A muted room
     * refuses {@code chat} from students; staff are not muted.
     */
    public Admission admitRoomMessage(RoomRef room, String kind, boolean staff) {
        if (!staff && "chat".equals(kind)) {
            MuteBoard.Muted muted = mutes.mutedBy(room);
            if (muted != null) {
                if (muted.auto()) {
                    mutes.refusedWhileMuted(muted.key());
                }
                return count("mute", room.bid(), Admission.MUTED);
            }
        }
        SharedLimit.Outcome inRoom = roomChat.tryAcquire(room.key());
        if (!inRoom.admission().admitted()) {
            autoMuteAfterStreak(inRoom, room.key(), room.bid());
            return count(roomChat.name(), room.bid(), inRoom.admission());
        }
        count(roomChat.name(), room.bid(), Admission.ADMITTED);
        return admitInCluster(room.bid());
    }

    /** Over a limit for {@code auto-mute.after-windows} seconds in a row: chat is muted (room or cluster). */
    private void autoMuteAfterStreak(SharedLimit.Outcome outcome, String key, String bid) {
        if (outcome.refusedStreak() >= autoMuteAfter && mutes.autoMute(key)) {
            metrics.counter("ketang_flow_auto_mutes", new Tag("bid", bid)).inc();
            LOG.log(Level.INFO, "{0} over its limit for {1} s: chat muted until calm",
                    new Object[] {MuteBoard.CLUSTER.equals(key) ? "The cluster" : "Room " + key, autoMuteAfter});
        }
    }

    /** An unimportant message from a business backend (REST), after its business limit. */
    public Admission admitInCluster(String bid) {
        SharedLimit.Outcome outcome = cluster.tryAcquire("all");
        if (!outcome.admission().admitted()) {
            autoMuteAfterStreak(outcome, MuteBoard.CLUSTER, bid);
        }
        return count(cluster.name(), bid, outcome.admission());
    }

    /** A push from a business backend through REST, important or not. */
    public Admission admitBusinessPush(String bid) {
        return count(business.name(), bid, business.tryAcquire(bid).admission());
    }

    /** An important message: always admitted (flow control never drops them), and counted. */
    public void importantMessage(String bid) {
        count("important", bid, Admission.ADMITTED);
    }

    /** The business's limits, their use and verdicts, and its mutes (reads Redis; for the console). */
    public FlowReport report(String bid) {
        java.util.List<FlowReport.MutedRoom> muted = new java.util.ArrayList<>();
        long busiestRoom = -1;
        boolean businessMuted = false;
        boolean clusterMuted = false;
        long businessUsed = -1;
        long clusterUsed = -1;
        try {
            for (MuteBoard.Muted m : mutes.mutedRooms(bid, 1000)) {
                String room = m.key().substring(bid.length() + 1);
                muted.add(new FlowReport.MutedRoom(room, m.reason(), m.auto()));
                busiestRoom = Math.max(busiestRoom, roomChat.usedLastSecond(m.key()));
            }
            businessMuted = mutes.mutedBy(bid) != null;
            clusterMuted = mutes.mutedBy(MuteBoard.CLUSTER) != null;
            businessUsed = business.usedLastSecond(bid);
            clusterUsed = cluster.usedLastSecond("all");
        } catch (RuntimeException redisAway) {
            LOG.log(Level.FINE, "Flow report without Redis: {0}", redisAway.toString());
        }
        return new FlowReport(java.util.List.of(
                new FlowReport.Limit(roomChat.name(), roomChat.limit(), busiestRoom, roomChat.whenRedisIsDown(), verdicts(roomChat.name(), bid)),
                new FlowReport.Limit(cluster.name(), cluster.limit(), clusterUsed, cluster.whenRedisIsDown(), verdicts(cluster.name(), bid)),
                new FlowReport.Limit(business.name(), business.limit(), businessUsed, business.whenRedisIsDown(), verdicts(business.name(), bid)),
                new FlowReport.Limit("mute", 0, -1, WhenRedisIsDown.OPEN, verdicts("mute", bid))),
                java.util.List.copyOf(muted), businessMuted, clusterMuted);
    }

    private java.util.Map<String, Long> verdicts(String limit, String bid) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        metrics.getCounters((id, m) -> id.getName().equals("ketang_flow_admissions")
                && limit.equals(id.getTags().get("limit")) && bid.equals(id.getTags().get("bid")))
                .forEach((id, counter) -> counts.merge(id.getTags().get("verdict"), counter.getCount(), Long::sum));
        return counts;
    }

    private Admission count(String limit, String bid, Admission admission) {
        metrics.counter("ketang_flow_admissions", new Tag("limit", limit), new Tag("bid", bid),
                new Tag("verdict", admission.verdict().name().toLowerCase(java.util.Locale.ROOT))).inc();
        return admission;
    }
}
