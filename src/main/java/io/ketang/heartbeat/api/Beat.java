package io.ketang.heartbeat.api;

import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * One sign of life of a user in a room.
 *
 * @param room     the room
 * @param uin      the user
 * @param role     the user's role (a heartbeat for someone missing from the list re-adds them)
 * @param terminal the terminal it came from
 * @param ts       when it was seen, epoch milliseconds
 */
public record Beat(RoomRef room, long uin, Role role, Terminal terminal, long ts) {
}
