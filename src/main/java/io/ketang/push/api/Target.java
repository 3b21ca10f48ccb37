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
    public enum Type { ROOM, USERS, ROLE, TERMINAL, GROUP, STAFF, GROUP_AND_STAFF }

    public static final Target ROOM = new Target(Type.ROOM, Set.of(), null, null, null);

    /** The room's teachers and assistants. */
    public static final Target STAFF = new Target(Type.STAFF, Set.of(), null, null, null);

    /** Some users of the room. */
    public static Target users(Set<Long> uins) {
        return new Target(Type.USERS, uins, null, null, null);
    }

    /** A small-class group and the room's staff: where a student's chat goes in a room in group mode. */
    public static Target groupAndStaff(String group) {
        return new Target(Type.GROUP_AND_STAFF, Set.of(), null, null, group);
    }

    public Target {
        uins = uins == null ? Set.of() : Set.copyOf(uins);
        boolean complete = switch (type) {
            case ROOM, STAFF -> true;
            case USERS -> !uins.isEmpty();
            case ROLE -> role != null;
            case TERMINAL -> terminal != null;
            case GROUP, GROUP_AND_STAFF -> group != null && !group.isBlank();
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
            case STAFF -> sessionRole == Role.TEACHER || sessionRole == Role.ASSISTANT;
            case GROUP_AND_STAFF -> group.equals(sessionGroup) || sessionRole == Role.TEACHER || sessionRole == Role.ASSISTANT;
        };
    }
}
