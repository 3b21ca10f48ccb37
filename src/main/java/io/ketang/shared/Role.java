package io.ketang.shared;

import java.util.Locale;
import java.util.Optional;

/** Who a user is in a class. It comes from the user's token only, never from a frame. */
public enum Role {
    TEACHER, ASSISTANT, STUDENT,
    /** An invisible inspector: receives, is not listed, sends nothing. */
    OBSERVER;

    /** The role named in a token claim, case-insensitively. */
    public static Optional<Role> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The name clients see in frames. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
