package io.ketang.heartbeat.api;

import java.util.Locale;

/** Why a session left a room, as exit notifications say it. */
public enum ExitReason {
    /** The client left the room or closed its socket. */
    CLOSED,
    /**
     * No heartbeat for the timeout, and no session of the user's is in the room: they are
     * connected nowhere, or their newer session did not join the room again within the timeout.
     */
    TIMEOUT,
    /** A teacher or assistant removed the user. */
    KICKED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
