package io.ketang.gateway;

import java.util.Set;

import io.ketang.shared.Role;

/**
 * Who a verified token says the client is.
 *
 * @param uin   the user ({@code sub})
 * @param bid   the business ({@code bid})
 * @param role  the role ({@code role}); only ever taken from the token
 * @param rooms the rooms the token allows, or empty for any room of the business
 */
record Identity(long uin, String bid, Role role, Set<String> rooms) {

    boolean mayJoin(String room) {
        return rooms.isEmpty() || rooms.contains(room);
    }
}
