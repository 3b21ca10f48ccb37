package io.ketang.push.api;

import java.util.Objects;

import io.ketang.shared.RoomRef;

/**
 * A change to a room that every node must act on for its own sockets.
 *
 * @param room   the room
 * @param action what happened
 * @param uin    the user concerned, for {@link Action#KICKED}; 0 otherwise
 * @param reason a short reason shown to the clients concerned
 */
public record RoomControl(RoomRef room, Action action, long uin, String reason) {

    /** What happened to the room. */
    public enum Action {
        /** The room went live: caches of its state are stale. */
        OPENED,
        /** The room ended: everyone in it is told and removed. */
        CLOSED,
        /** One user was removed from the room. */
        KICKED,
        /** A setting of the room changed (its chat mode): caches of its state are stale. */
        CHANGED
    }

    public RoomControl {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(action, "action");
        reason = reason == null ? "" : reason;
    }
}
