package io.ketang.membership.internal;

import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * One session's presence in a room: the unit the members topic stores, one record per
 * (bid, room, uin, terminal). A user with two terminals in a room has two entries, each written
 * only by the node holding that session, so no two nodes ever race on one record.
 *
 * @param room     the room
 * @param uin      the user
 * @param terminal the session's terminal
 * @param role     the user's role
 * @param node     the node holding the session
 * @param session  the session's id on that node, or null in a record written before sessions were recorded
 * @param group    the small-class group, or null
 * @param joinedAt when this session joined, epoch milliseconds
 */
public record MemberEntry(RoomRef room, long uin, Terminal terminal, Role role, String node, String session, String group,
                          long joinedAt) {
}
