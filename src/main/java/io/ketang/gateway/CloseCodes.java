package io.ketang.gateway;

import jakarta.websocket.CloseReason;

/** The protocol's close codes (docs/protocol.md). */
final class CloseCodes {

    static final int HEARTBEAT_TIMEOUT = 4000;
    /** The session's outbound queue overflowed: the client reads slower than the room talks. */
    static final int TOO_SLOW = 4008;
    static final int UNAUTHORIZED = 4401;
    static final int FORBIDDEN = 4403;
    static final int NO_HELLO = 4408;
    static final int REPLACED = 4409;
    static final int TOO_LARGE = 4413;
    static final int FLOODING = 4429;
    static final int SHUTTING_DOWN = 4503;

    private CloseCodes() {
    }

    static CloseReason reason(int code, String phrase) {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(code), phrase);
    }
}
