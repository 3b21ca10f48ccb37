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
 * @param batch  a {@code batch} of normal messages (chat, flowers): a socket that is behind may
 *               be left without it, so that what matters does not wait behind chat
 */
public record RoomMessageArrived(RoomRef room, Target target, String frame, long seq, boolean batch) {

    /** An important message, to be acked by its recipients. */
    public RoomMessageArrived(RoomRef room, Target target, String frame, long seq) {
        this(room, target, frame, seq, false);
    }

    /** A frame for part of a room: nothing to ack, and never left out. */
    public RoomMessageArrived(RoomRef room, Target target, String frame) {
        this(room, target, frame, 0, false);
    }

    /** A room's batch of normal messages. */
    public static RoomMessageArrived batch(RoomRef room, String frame) {
        return new RoomMessageArrived(room, Target.ROOM, frame, 0, true);
    }
}
