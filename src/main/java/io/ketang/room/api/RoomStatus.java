package io.ketang.room.api;

import java.util.Locale;

/** A room's lifecycle: created, then live while the class runs, then ended for good. */
public enum RoomStatus {
    CREATED, LIVE, ENDED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
