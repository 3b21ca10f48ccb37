package io.ketang.room.api;

/**
 * The answer to "may this user enter this room now?".
 *
 * @param outcome        admitted, or why not
 * @param room           the room when it exists
 * @param retryAfterMs   for a kicked user, how long until they may return; otherwise 0
 */
public record Admission(Outcome outcome, RoomView room, long retryAfterMs) {

    /** Why a join is admitted or refused. */
    public enum Outcome {
        ADMITTED,
        /** No room of that id in the user's business. */
        NO_SUCH_ROOM,
        /** The room exists but is not live (not opened yet, or ended). */
        NOT_LIVE,
        /** The user was kicked from the room and the ban has not run out. */
        KICKED
    }

    public boolean admitted() {
        return outcome == Outcome.ADMITTED;
    }
}
