package io.ketang.push.api;

/** Fired on every node when a {@link RoomControl} comes off the bus, in order with the room's messages. */
public record RoomControlArrived(RoomControl control) {
}
