package io.ketang.gateway;

import java.util.Optional;
import java.util.Set;

import io.ketang.platform.auth.VerifiedToken;
import io.ketang.shared.Role;

/**
 * Who a verified client token says the client is.
 *
 * @param uin   the user ({@code sub})
 * @param bid   the business ({@code bid})
 * @param role  the classroom role ({@code role}); only ever taken from the token
 * @param rooms the rooms the token allows, or empty for any room of the business
 */
record Identity(long uin, String bid, Role role, Set<String> rooms) {

    /** The identity in a client token; empty for a service token or a subject that is not a uin. */
    static Optional<Identity> of(VerifiedToken token) {
        Optional<Role> role = Role.parse(token.role());
        long uin;
        try {
            uin = Long.parseLong(token.subject());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (uin <= 0 || role.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(uin, token.bid(), role.get(), token.rooms()));
    }

    boolean mayJoin(String room) {
        return rooms.isEmpty() || rooms.contains(room);
    }

    boolean staff() {
        return role == Role.TEACHER || role == Role.ASSISTANT;
    }
}
