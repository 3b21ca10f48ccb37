package io.ketang.room.api;

import java.util.Locale;
import java.util.Optional;

/** Who may chat in a room: everyone, students only within their small-class group, or staff only. */
public enum ChatMode {
    OPEN, GROUP, STAFF_ONLY;

    public static Optional<ChatMode> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
