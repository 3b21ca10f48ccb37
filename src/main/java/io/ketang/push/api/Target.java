package io.ketang.push.api;

import java.util.Set;

import io.ketang.shared.Role;
import io.ketang.shared.Terminal;

/**
 * Who in a room a message is for. Every node delivers only to its own sockets that match.
 *
 * @param type     which kind of target
 * @param uins     for {@link Type#USERS}: the users
 * @param role     for {@link Type#ROLE}: the role
 * @param terminal for {@link Type#TERMINAL}: the terminal type
 * @param group    for {@link Type#GROUP}: the small-class group
 */
public record Target(Type type, Set<Long> uins, Role role, Terminal terminal, String group) {

    /** The kinds of target. */
    public enum Type { ROOM, USERS, ROLE, TERMINAL, GROUP }

    public static final Target ROOM = new Target(Type.ROOM, Set.of(), null, null, null);

    public Target {
        uins = uins == null ? Set.of() : Set.copyOf(uins);
        boolean complete = switch (type) {
            case ROOM -> true;
            case USERS -> !uins.isEmpty();
            case ROLE -> role != null;
            case TERMINAL -> terminal != null;
            case GROUP -> group != null && !group.isBlank();
        };
        if (!complete) {
            throw new IllegalArgumentException("a " + type + " target needs its " + type.name().toLowerCase());
        }
    }

    /** Whether a session of this user, role, terminal and group is meant. */
    public boolean matches(long uin, Role sessionRole, Terminal sessionTerminal, String sessionGroup) {
        return switch (type) {
            case ROOM -> true;
            case USERS -> uins.contains(uin);
            case ROLE -> role == sessionRole;
            case TERMINAL -> terminal == sessionTerminal;
            case GROUP -> group.equals(sessionGroup);
        };
    }
}
