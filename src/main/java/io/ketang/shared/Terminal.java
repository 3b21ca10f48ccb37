package io.ketang.shared;

import java.util.Locale;
import java.util.Optional;

/** The kind of device a session comes from; a user holds at most one session per terminal. */
public enum Terminal {
    WEB, APP, PC;

    public static Optional<Terminal> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
