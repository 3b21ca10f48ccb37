package io.ketang.heartbeat.api;

import java.util.Locale;

/** Why a session left a room, as exit notifications say it. */
public enum ExitReason {
    /** The client left the room or closed its socket. */
    CLOSED,
    /** No heartbeat for the timeout, and the user is connected nowhere. */
    TIMEOUT,
    /** A teacher or assistant removed the user. */
    KICKED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
