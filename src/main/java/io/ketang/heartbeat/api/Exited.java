package io.ketang.heartbeat.api;

import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Fired on the node that published an exit notification: a session left a room, and why.
 *
 * @param room     the room
 * @param uin      who left
 * @param terminal the session's terminal
 * @param reason   why
 * @param ts       when, epoch milliseconds
 */
public record Exited(RoomRef room, long uin, Terminal terminal, ExitReason reason, long ts) {
}
