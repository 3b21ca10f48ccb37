package io.ketang.room.api;

/** A room change that its current state does not allow: creating an existing room, opening an ended one. */
public class RoomConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RoomConflictException(String message) {
        super(message);
    }
}
