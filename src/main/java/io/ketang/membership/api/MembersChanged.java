package io.ketang.membership.api;

import java.util.List;

import io.ketang.shared.RoomRef;

/**
 * Fired on every node when its replica of a room changes: who entered the room and who left it
 * entirely (a second terminal of someone present is no change to the list).
 *
 * @param room   the room
 * @param joined members who were not in the room before
 * @param left   uins who are no longer in the room
 */
public record MembersChanged(RoomRef room, List<Member> joined, List<Long> left) {
}
