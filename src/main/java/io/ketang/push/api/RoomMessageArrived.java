package io.ketang.push.api;

import io.ketang.shared.RoomRef;

/**
 * Fired on every node when a room message comes off the bus, for delivery to that node's sockets
 * in the room.
 *
 * @param room  the room
 * @param frame the client frame, encoded once for every recipient
 */
public record RoomMessageArrived(RoomRef room, String frame) {
}
