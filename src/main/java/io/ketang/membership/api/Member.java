package io.ketang.membership.api;

import java.util.Map;

import io.ketang.shared.Role;
import io.ketang.shared.Terminal;

/**
 * A member of a room as every node's replica knows it.
 *
 * @param uin       the user
 * @param role      the user's role in the class
 * @param group     the small-class group ({@code g1}, {@code g2}, ...), or null when the room has none
 * @param terminals the user's sessions in the room: terminal to where it is held
 * @param joinedAt  when the user's earliest present terminal joined, epoch milliseconds
 */
public record Member(long uin, Role role, String group, Map<Terminal, Seat> terminals, long joinedAt) {
}
