package io.ketang.classroom.api;

import io.ketang.shared.Role;

/**
 * Who acts in a classroom: the user and the role from their token.
 *
 * @param uin  the user
 * @param role the role, never taken from a frame
 */
public record Actor(long uin, Role role) {

    /** Teachers and assistants run the class. */
    public boolean staff() {
        return role == Role.TEACHER || role == Role.ASSISTANT;
    }
}
