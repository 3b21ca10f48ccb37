package io.ketang.push.api;

import java.util.Objects;

import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * A message for everyone in a room.
 *
 * @param room     the room
 * @param kind     what it is ({@code chat}, {@code quiz.start}, ...)
 * @param fromUin  who sent it
 * @param fromRole the sender's role, from the sender's token
 * @param body     the message body, a JSON object as text
 * @param ts       when Ketang accepted it, epoch milliseconds
 */
public record RoomMessage(RoomRef room, String kind, long fromUin, Role fromRole, String body, long ts) {

    public RoomMessage {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fromRole, "fromRole");
        Objects.requireNonNull(body, "body");
    }
}
