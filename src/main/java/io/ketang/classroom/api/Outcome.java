package io.ketang.classroom.api;

import jakarta.json.JsonObject;

/**
 * What an interaction came to, for the one who asked: done (with what to tell them, and the seq of
 * the important message it sent to the room, if any), or refused with a protocol error code.
 *
 * @param error   null when done; otherwise a protocol error code (docs/protocol.md)
 * @param message a sentence for a person, with an error
 * @param result  what the asker learns (their share, the sign-in's id, ...), never null
 * @param seq     the room message's seq, 0 when none was sent
 * @param retryAfterMs with RATE_LIMITED: when to try again
 */
public record Outcome(String error, String message, JsonObject result, long seq, long retryAfterMs) {

    public static Outcome done(JsonObject result) {
        return new Outcome(null, null, result, 0, 0);
    }

    public static Outcome done(JsonObject result, long seq) {
        return new Outcome(null, null, result, seq, 0);
    }

    public static Outcome refused(String error, String message) {
        return new Outcome(error, message, JsonObject.EMPTY_JSON_OBJECT, 0, 0);
    }

    /** Refused, with what the asker already has (their first answer, their share). */
    public static Outcome refused(String error, String message, JsonObject result) {
        return new Outcome(error, message, result, 0, 0);
    }

    /** Over a limit: RATE_LIMITED, and when to try again. */
    public static Outcome rateLimited(String message, long retryAfterMs) {
        return new Outcome("RATE_LIMITED", message, JsonObject.EMPTY_JSON_OBJECT, 0, retryAfterMs);
    }

    public boolean ok() {
        return error == null;
    }
}
