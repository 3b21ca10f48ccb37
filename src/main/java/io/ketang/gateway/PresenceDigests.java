package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.MembersChanged;
import io.ketang.membership.api.Memberships;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * Presence, merged and rate-bounded: changes to a room's list pile up here and go out at most once
 * per {@code ketang.presence.interval-ms} per room, as one frame per audience, encoded once.
 * Teachers and assistants get who came and went; students get names too in a small room, and
 * in a large one (over {@code ketang.presence.large-room}) the count alone, at most once per
 * {@code ketang.presence.large-room-interval-ms}: when thousands join or leave, every student
 * would otherwise get a frame twice a second.
 */
@ApplicationScoped
class PresenceDigests {

    private static final Logger LOG = Logger.getLogger(PresenceDigests.class.getName());

    /** At most this many names per list in one digest; the count is always exact. */
    static final int MAX_NAMES = 100;

    private static final class Pending {
        final List<Member> joined = new ArrayList<>();
        final List<Long> left = new ArrayList<>();
    }

    @Inject
    LocalRooms rooms;

    @Inject
    Memberships memberships;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ketang.presence.interval-ms", defaultValue = "500")
    long intervalMs;

    @Inject
    @ConfigProperty(name = "ketang.presence.large-room", defaultValue = "200")
    int largeRoom;

    @Inject
    @ConfigProperty(name = "ketang.presence.large-room-interval-ms", defaultValue = "5000")
    long largeRoomIntervalMs;

    /** Per large room: when its students last got the count, and whether a newer one is owed. */
    private static final class StudentCount {
        long sentAt;
        boolean owed;
    }

    private final Map<RoomRef, Pending> pending = new ConcurrentHashMap<>();
    /** Touched by the sending thread only. */
    private final Map<RoomRef, StudentCount> studentCounts = new java.util.HashMap<>();
    private Future<?> sending;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        sending = scheduler.scheduleWithFixedDelay(() -> {
            try {
                send();
            } catch (RuntimeException e) {
                // a failed round must not end presence for good
                LOG.log(Level.WARNING, "Presence digests failed: {0}", e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sending != null) {
            sending.cancel(false);
        }
    }

    void onChange(@Observes MembersChanged change) {
        if (rooms.count(change.room()) == 0) {
            return; // nobody here to tell
        }
        pending.compute(change.room(), (room, p) -> {
            Pending next = p == null ? new Pending() : p;
            next.joined.addAll(change.joined());
            next.left.addAll(change.left());
            return next;
        });
    }

    private void send() {
        long now = System.nanoTime();
        for (RoomRef room : pending.keySet()) {
            Pending p = pending.remove(room);
            if (p == null) {
                continue;
            }
            int count = memberships.count(room);
            var joined = JSON.createArrayBuilder();
            p.joined.stream().limit(MAX_NAMES).forEach(m -> joined.add(
                    JSON.createObjectBuilder().add("uin", m.uin()).add("role", m.role().wireName())));
            var left = JSON.createArrayBuilder();
            p.left.stream().limit(MAX_NAMES).forEach(left::add);
            String full = JSON.createObjectBuilder().add("type", "presence").add("room", room.room()).add("count", count)
                    .add("joined", joined).add("left", left).build().toString();
            boolean large = count > largeRoom;
            for (ClientSession session : rooms.sessions(room)) {
                if (!large || staff(session)) {
                    session.sendLater(full);
                }
            }
            if (large) {
                studentCounts.computeIfAbsent(room, r -> {
                    StudentCount c = new StudentCount();
                    c.sentAt = now - TimeUnit.MILLISECONDS.toNanos(largeRoomIntervalMs);
                    return c;
                }).owed = true;
            } else {
                studentCounts.remove(room);
            }
        }
        sendStudentCounts(now);
    }

    /** The count to the students of each large room that is owed one and waited long enough. */
    private void sendStudentCounts(long now) {
        long interval = TimeUnit.MILLISECONDS.toNanos(largeRoomIntervalMs);
        for (var it = studentCounts.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            StudentCount c = entry.getValue();
            if (now - c.sentAt < interval) {
                continue;
            }
            if (!c.owed) {
                it.remove(); // quiet for a whole interval: the next change goes out at once
                continue;
            }
            c.owed = false;
            c.sentAt = now;
            RoomRef room = entry.getKey();
            String countOnly = JSON.createObjectBuilder().add("type", "presence").add("room", room.room())
                    .add("count", memberships.count(room)).build().toString();
            for (ClientSession session : rooms.sessions(room)) {
                if (!staff(session)) {
                    session.sendLater(countOnly);
                }
            }
        }
    }

    private static boolean staff(ClientSession session) {
        Identity who = session.identity;
        return who != null && (who.role() == Role.TEACHER || who.role() == Role.ASSISTANT);
    }
}
