package io.ketang.push.api;

import java.util.Objects;

import io.ketang.shared.RoomRef;

/**
 * A message for a room, or for some of the people in it.
 *
 * @param room     the room
 * @param target   who in the room it is for ({@link Target#ROOM} for everyone)
 * @param kind     what it is ({@code chat}, {@code quiz.start}, ...)
 * @param fromUin  who sent it (0 for a business backend)
 * @param fromRole the sender's role from the sender's token ({@code service} for a backend)
 * @param body     the message body, a JSON object as text
 * @param ts       when Ketang accepted it, epoch milliseconds
 */
public record RoomMessage(RoomRef room, Target target, String kind, long fromUin, String fromRole, String body, long ts) {

    public RoomMessage {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fromRole, "fromRole");
        Objects.requireNonNull(body, "body");
    }
}
