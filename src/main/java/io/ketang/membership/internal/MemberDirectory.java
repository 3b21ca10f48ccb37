package io.ketang.membership.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/** Every room's roster on this node: bid → room → uin, all in memory. */
public final class MemberDirectory {

    private final Map<RoomRef, Roster> rooms = new ConcurrentHashMap<>();
    /** When users last left rooms entirely ("bid/room/uin" → epoch ms), kept for a while. */
    private final Map<String, Long> leftAt = new ConcurrentHashMap<>();

    public Roster.Change put(MemberEntry entry) {
        return rooms.computeIfAbsent(entry.room(), r -> new Roster()).put(entry);
    }

    /** Removes a session entry written at {@code ts} (epoch ms); one thread applies all changes. */
    public Roster.Change remove(RoomRef room, long uin, Terminal terminal, long ts) {
        Roster roster = rooms.get(room);
        if (roster == null) {
            return Roster.Change.NONE;
        }
        Roster.Change change = roster.remove(uin, terminal);
        if (change == Roster.Change.LEFT) {
            leftAt.put(room.key() + "/" + uin, ts);
        }
        if (roster.isEmpty()) {
            // an empty room takes no memory; a racing put recreates it
            rooms.remove(room, roster);
        }
        return change;
    }

    /** When the user last left the room entirely, epoch ms, or 0 when not recently. */
    public long leftAt(RoomRef room, long uin) {
        return leftAt.getOrDefault(room.key() + "/" + uin, 0L);
    }

    /** Forgets departures older than {@code beforeMs}. */
    public void forgetDeparturesBefore(long beforeMs) {
        leftAt.values().removeIf(ts -> ts < beforeMs);
    }

    /** The room's roster, or null when nobody is in it. */
    public Roster roster(RoomRef room) {
        return rooms.get(room);
    }

    public Set<RoomRef> rooms() {
        return rooms.keySet();
    }
}
