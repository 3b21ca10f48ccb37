package io.ketang.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.MembersChanged;
import io.ketang.membership.api.Memberships;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * Presence, merged and rate-bounded: changes to a room's list pile up here and go out at most once
 * per {@code ketang.presence.interval-ms} per room, as one frame per audience, encoded once.
 * Teachers and assistants get who came and went; students get the count alone in a large room
 * (over {@code ketang.presence.large-room}), names too in a small one.
 */
@ApplicationScoped
class PresenceDigests {

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

    private final Map<RoomRef, Pending> pending = new ConcurrentHashMap<>();
    private Future<?> sending;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        sending = scheduler.scheduleWithFixedDelay(this::send, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
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
        for (RoomRef room : pending.keySet()) {
            Pending p = pending.remove(room);
            if (p == null) {
                continue;
            }
            int count = memberships.count(room);
            var joined = Json.createArrayBuilder();
            p.joined.stream().limit(MAX_NAMES).forEach(m -> joined.add(
                    Json.createObjectBuilder().add("uin", m.uin()).add("role", m.role().wireName())));
            var left = Json.createArrayBuilder();
            p.left.stream().limit(MAX_NAMES).forEach(left::add);
            String full = Json.createObjectBuilder().add("type", "presence").add("room", room.room()).add("count", count)
                    .add("joined", joined).add("left", left).build().toString();
            String countOnly = count > largeRoom
                    ? Json.createObjectBuilder().add("type", "presence").add("room", room.room()).add("count", count).build().toString()
                    : full;
            for (ClientSession session : rooms.sessions(room)) {
                Identity who = session.identity;
                boolean staff = who != null && (who.role() == Role.TEACHER || who.role() == Role.ASSISTANT);
                session.send(staff ? full : countOnly);
            }
        }
    }
}
