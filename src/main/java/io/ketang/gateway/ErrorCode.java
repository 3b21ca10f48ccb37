package io.ketang.gateway;

/** The codes of {@code error} frames (docs/protocol.md). */
enum ErrorCode {
    BAD_FRAME, TOO_LARGE, UNAUTHORIZED, FORBIDDEN, NOT_IN_ROOM, NO_SUCH_ROOM, ROOM_CLOSED, MUTED, RATE_LIMITED, UNAVAILABLE, INTERNAL
}
