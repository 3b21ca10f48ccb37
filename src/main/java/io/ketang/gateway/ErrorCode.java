package io.ketang.gateway;

/** The codes of {@code error} frames (docs/protocol.md). */
enum ErrorCode {
    BAD_FRAME, TOO_LARGE, UNAUTHORIZED, FORBIDDEN, NOT_IN_ROOM, NO_SUCH_ROOM, ROOM_CLOSED, MUTED, RATE_LIMITED, UNAVAILABLE, INTERNAL,
    /** Classroom: no sign-in, quiz or raised hand of that kind is open. */
    NOT_OPEN,
    /** Classroom: signed, answered or grabbed already; the reply says what the first attempt got. */
    ALREADY_DONE,
    /** Classroom: the red packet is gone (every share taken, expired, or never there). */
    GONE,
    /** Classroom: one of that kind is open already. */
    CONFLICT
}
