package io.ketang.gateway;

import jakarta.websocket.CloseReason;

import io.ketang.heartbeat.api.ExitReason;

/**
 * Why the server closes a client's socket (docs/protocol.md, Close codes): the code and phrase
 * the client reads, whether it should come back, and what its rooms hear about it.
 */
enum Disconnect {

    /**
     * The client said {@code bye}: closed once what was queued for it is written, so no write is in
     * flight when the close handshake comes (a close frame from the client during a write parks a
     * Liberty thread until that write completes: thousands at the end of a class). The client asked
     * to go; it does not come back on its own, though nothing stops it.
     */
    BYE(1000, "bye", true),
    /** Three heartbeat intervals without a heartbeat: the exit is a timeout. */
    HEARTBEAT_TIMEOUT(4000, "no heartbeat", true),
    /** Its outbound queue overflowed, or a write to it was stuck: it reads slower than the room talks. */
    TOO_SLOW(4008, "too slow", true),
    /** An important message went unacked while the client heartbeats: it is not reading. */
    NO_ACK(4008, "too slow: no ack", true),
    /** A bad, forged or expired token: the same token will not do. */
    UNAUTHORIZED(4401, "unauthorized", false),
    NO_HELLO(4408, "no hello in time", true),
    /** A newer login of the user on the same terminal took over: it holds the rooms now, nobody left. */
    REPLACED(4409, "replaced by a newer login", false),
    /** Frames too large, repeatedly: after a backoff, a client that sends smaller ones is welcome. */
    TOO_LARGE(4413, "too large", true),
    /** Past the frame budget long after RATE_LIMITED: back off, then reconnect. */
    FLOODING(4429, "flooding", true),
    /** The node is stopping: reconnect, to another node. */
    SHUTTING_DOWN(4503, "node shutting down", true);

    final int code;
    final String phrase;
    /** Whether the client should reconnect (with backoff) and resume; false: the same login will not be let back (the reference client stops). */
    final boolean mayReconnect;

    Disconnect(int code, String phrase, boolean mayReconnect) {
        this.code = code;
        this.phrase = phrase;
        this.mayReconnect = mayReconnect;
    }

    /** What the rooms the session was in are told about its exit. */
    ExitReason exitReason() {
        return this == HEARTBEAT_TIMEOUT ? ExitReason.TIMEOUT : ExitReason.CLOSED;
    }

    /** The close frame's reason. */
    CloseReason reason() {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(code), phrase);
    }
}
