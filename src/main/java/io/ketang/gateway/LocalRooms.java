package io.ketang.gateway;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.ketang.push.api.Target;
import io.ketang.shared.RoomRef;

/** The sessions on this node in each room: who gets a room's frames here. */
@ApplicationScoped
class LocalRooms {

    private final Map<RoomRef, Set<ClientSession>> rooms = new ConcurrentHashMap<>();

    void join(RoomRef room, ClientSession session) {
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void leave(RoomRef room, ClientSession session) {
        rooms.computeIfPresent(room, (r, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** What a fan-out did: frames queued, and batches left out for sessions that are behind. */
    record FannedOut(int queued, int shed) {
    }

    /**
     * Hands one encoded frame to every session in the room here that the target matches; never
     * waits on a slow one, and leaves the socket writes to the {@link Flusher}. An important
     * message ({@code seq} above 0) is one its recipients are to ack. A batch of normal messages
     * is left out for a session that is {@linkplain SessionWriter#behind() behind}: chat is shed
     * before an important message waits behind it.
     */
    FannedOut deliver(RoomRef room, Target target, String frame, long seq, boolean batch) {
        Set<ClientSession> sessions = rooms.get(room);
        if (sessions == null) {
            return new FannedOut(0, 0);
        }
        boolean everyone = target.type() == Target.Type.ROOM;
        int delivered = 0;
        int shed = 0;
        for (ClientSession session : sessions) {
            Identity who = session.identity;
            if (!everyone && (who == null
                    || !target.matches(who.uin(), who.role(), session.terminal, session.groups.get(room)))) {
                continue;
            }
            if (batch && session.writer.behind()) {
                shed++;
                continue;
            }
            if (session.writer.offerLater(frame, seq > 0)) {
                delivered++;
            }
        }
        return new FannedOut(delivered, shed);
    }

    /** The sessions in the room here, as a snapshot. */
    java.util.List<ClientSession> sessions(RoomRef room) {
        Set<ClientSession> sessions = rooms.get(room);
        return sessions == null ? java.util.List.of() : java.util.List.copyOf(sessions);
    }

    /** The rooms with a session on this node. */
    java.util.Set<RoomRef> rooms() {
        return rooms.keySet();
    }

    int count(RoomRef room) {
        Set<ClientSession> sessions = rooms.get(room);
        return sessions == null ? 0 : sessions.size();
    }
}
