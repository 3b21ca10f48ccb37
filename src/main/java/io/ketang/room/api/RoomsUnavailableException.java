package io.ketang.room.api;

/** A dependency (Kafka, Redis, PostgreSQL) could not do its part; the call may be repeated. */
public class RoomsUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RoomsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
