package io.ketang.heartbeat.internal;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.messaging.HeartbeatChannel;
import io.ketang.membership.api.Member;
import io.ketang.membership.api.MembersChanged;
import io.ketang.membership.api.Memberships;
import io.ketang.membership.api.Seat;
import io.ketang.platform.sessions.SessionRegistry;
import io.ketang.room.api.Admission;
import io.ketang.room.api.Rooms;
import io.ketang.shared.Terminal;

/**
 * The timers of the users whose heartbeat partitions this node owns. Kafka's consumer group hands
 * each partition to one node; when a node dies, only its partitions move. A new owner gives every
 * member of its new partitions a full timeout before any expiry. On expiry it asks the session
 * registry whether the user is still connected anywhere (the seed's "ask back"): only when not,
 * the user leaves the room and an exit notification (reason timeout) goes out. A user who is
 * connected leaves with those terminals whose session is no longer the one that joined (a newer
 * login or a reconnect that did not join the room again within a timeout: {@link Vacancies}).
 * When the registry cannot answer, nobody is removed: a false kick is worse than a late one.
 */
@ApplicationScoped
public class HeartbeatOwner {

    private static final Logger LOG = Logger.getLogger(HeartbeatOwner.class.getName());
    /** After a session entry's time to live runs out, this much more before looking again (the wheel's 250 ms buckets). */
    private static final long RECHECK_SLACK_MS = 500;

    @Inject
    Memberships memberships;

    @Inject
    SessionRegistry registry;

    @Inject
    Rooms rooms;

    @Inject
    HeartbeatChannel channel;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ketang.heartbeat.timeout-ms", defaultValue = "65000")
    long timeoutMs;

    private final TimerWheel<BeatKey> wheel = new TimerWheel<>(250);
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Set<Integer> awaitingScan = ConcurrentHashMap.newKeySet();
    private volatile int partitions = 1;
    private final AtomicLong expired = new AtomicLong();

    private java.util.concurrent.Future<?> ticking;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        ticking = scheduler.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    /** Partitions this node now owns: every member in them gets a full timeout. */
    public void assigned(Collection<Integer> parts, int partitionCount) {
        partitions = partitionCount;
        owned.addAll(parts);
        awaitingScan.addAll(parts);
        scanNewPartitions();
        LOG.info(() -> "Heartbeat partitions owned now: " + owned);
    }

    /** Partitions this node no longer owns: their timers go with them. */
    public void revoked(Collection<Integer> parts) {
        owned.removeAll(parts);
        awaitingScan.removeAll(parts);
        int count = partitions;
        wheel.cancelIf(key -> parts.contains(key.partition(count)));
    }

    public Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    /** A heartbeat from the bus, for a partition this node owns. */
    public void beat(Beat beat) {
        BeatKey key = new BeatKey(beat.room(), beat.uin());
        if (!owned.contains(key.partition(partitions))) {
            return;
        }
        if (memberships.member(beat.room(), beat.uin()).isEmpty() && !repair(beat)) {
            return;
        }
        wheel.schedule(key, System.currentTimeMillis() + timeoutMs);
    }

    /**
     * A heartbeat for someone missing from the list puts them back, unless it is older than their
     * last departure from the room or the room no longer admits them.
     */
    private boolean repair(Beat beat) {
        if (beat.ts() <= memberships.leftAt(beat.room(), beat.uin())) {
            return false;
        }
        try {
            Admission admission = rooms.admit(beat.room(), beat.uin());
            if (!admission.admitted()) {
                return false;
            }
            // the beat names no session: the seat stays while the user is connected, and its own
            // session's next join takes it over
            memberships.join(beat.room(), beat.uin(), beat.role(), beat.terminal(), new Seat("-", null),
                    admission.room().groupSize());
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "repair failed", e);
            return false;
        }
    }

    void onMembers(@Observes MembersChanged changed) {
        for (Member m : changed.joined()) {
            BeatKey key = new BeatKey(changed.room(), m.uin());
            if (owned.contains(key.partition(partitions)) && wheel.deadline(key) == null) {
                wheel.schedule(key, System.currentTimeMillis() + timeoutMs);
            }
        }
        for (Long uin : changed.left()) {
            wheel.cancel(new BeatKey(changed.room(), uin));
        }
    }

    private void scanNewPartitions() {
        if (awaitingScan.isEmpty() || !memberships.ready()) {
            return;
        }
        Set<Integer> scanning = Set.copyOf(awaitingScan);
        awaitingScan.removeAll(scanning);
        int count = partitions;
        long deadline = System.currentTimeMillis() + timeoutMs;
        memberships.forEach((room, member) -> {
            BeatKey key = new BeatKey(room, member.uin());
            if (scanning.contains(key.partition(count)) && wheel.deadline(key) == null) {
                wheel.schedule(key, deadline);
            }
        });
    }

    private void tick() {
        try {
            scanNewPartitions();
            for (BeatKey key : wheel.expire(System.currentTimeMillis())) {
                expire(key);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Heartbeat expiry round failed: {0}", e.toString());
        }
    }

    private void expire(BeatKey key) {
        var member = memberships.member(key.room(), key.uin());
        if (member.isEmpty()) {
            return;
        }
        long connectedFor;
        Vacancies vacancies;
        long now = System.currentTimeMillis();
        try {
            connectedFor = registry.connectedForMs(key.room().bid(), key.uin());
            vacancies = connectedFor > 0
                    ? Vacancies.of(member.get(), registry.entries(key.room().bid(), key.uin()), now, timeoutMs)
                    : null;
        } catch (RuntimeException registryAway) {
            wheel.schedule(key, now + timeoutMs);
            return;
        }
        if (connectedFor > 0 && vacancies.gone().size() < member.get().terminals().size()) {
            // still connected somewhere, or reconnecting: those of its terminals whose session left
            // the room go, and the rest are looked at again once that entry would have run out, or
            // once a newer session has had its time to rejoin
            leave(key, vacancies.gone());
            wheel.schedule(key, Math.min(vacancies.decideAt(), now + Math.min(timeoutMs, connectedFor + RECHECK_SLACK_MS)));
            return;
        }
        leave(key, member.get().terminals().keySet());
    }

    private void leave(BeatKey key, Collection<Terminal> terminals) {
        if (terminals.isEmpty()) {
            return;
        }
        expired.incrementAndGet();
        for (Terminal terminal : terminals) {
            memberships.leave(key.room(), key.uin(), terminal);
            channel.exit(key.room(), key.uin(), terminal, ExitReason.TIMEOUT);
        }
        LOG.fine(() -> "Heartbeat timeout: uin " + key.uin() + " left " + key.room().key() + " on " + terminals);
    }

    /** Users timed out by this node since it started. */
    public long expiredCount() {
        return expired.get();
    }

    /** Timers this node holds. */
    public int timers() {
        return wheel.size();
    }
}
