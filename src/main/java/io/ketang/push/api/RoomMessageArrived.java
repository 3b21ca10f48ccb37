package io.ketang.push.api;

import io.ketang.shared.RoomRef;

/**
 * Fired on every node when a room message comes off the bus, for delivery to that node's sockets
 * in the room that the target matches.
 *
 * @param room   the room
 * @param target who in the room it is for
 * @param frame  the client frame, encoded once for every recipient
 */
public record RoomMessageArrived(RoomRef room, Target target, String frame) {
}
