package io.ketang.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.ketang.push.api.RoomControl;
import io.ketang.shared.RoomRef;

/**
 * The kicks and room closes this node carried out lately, for a join that was admitted before one
 * of them and enters the room after it. The kick's sweep of the room's sessions did not find that
 * session yet, so the join must find the kick. Each is kept two minutes; a join slower than that
 * is not looked at.
 */
@ApplicationScoped
class TurnAways {

    static final long KEEP_NANOS = TimeUnit.MINUTES.toNanos(2);

    /** A kick of one user, or (uin 0) the room's close. */
    private record Key(RoomRef room, long uin) {
    }

    private final Map<Key, Long> at = new ConcurrentHashMap<>();

    /** Notes a kick or a close, before the room's sessions are swept. */
    void noted(RoomControl control, long now) {
        at.values().removeIf(t -> now - t > KEEP_NANOS);
        long uin = control.action() == RoomControl.Action.KICKED ? control.uin() : 0;
        at.put(new Key(control.room(), uin), now);
    }

    /**
     * What turned the user away from the room after {@code admittedAt} (System.nanoTime when the
     * join's admission began), if anything: a close of the room wins over a kick.
     */
    Optional<RoomControl.Action> since(RoomRef room, long uin, long admittedAt) {
        if (after(new Key(room, 0), admittedAt)) {
            return Optional.of(RoomControl.Action.CLOSED);
        }
        return after(new Key(room, uin), admittedAt) ? Optional.of(RoomControl.Action.KICKED) : Optional.empty();
    }

    private boolean after(Key key, long admittedAt) {
        Long when = at.get(key);
        return when != null && when - admittedAt > 0;
    }

    int size() {
        return at.size();
    }
}
