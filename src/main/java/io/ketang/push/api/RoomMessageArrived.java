package io.ketang.push.api;

import io.ketang.shared.RoomRef;

/**
 * Fired on every node when a room message comes off the bus, for delivery to that node's sockets
 * in the room that the target matches.
 *
 * @param room   the room
 * @param target who in the room it is for
 * @param frame  the client frame, encoded once for every recipient
 * @param seq    the important message's seq, which its recipients are to ack; 0 for any other frame
 */
public record RoomMessageArrived(RoomRef room, Target target, String frame, long seq) {

    /** A frame that is not an important message (a batch, a targeted frame): nothing to ack. */
    public RoomMessageArrived(RoomRef room, Target target, String frame) {
        this(room, target, frame, 0);
    }
}
