package io.ketang.room.api;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.ketang.shared.Role;

/**
 * The rights matrix: which roles may send which kind of message, and which kinds are important
 * (ordered, never dropped) rather than merged and sheddable. Roles come from tokens only. Observers
 * send nothing.
 */
public final class Rights {

    /**
     * One kind's rule.
     *
     * @param kind      the kind's name
     * @param senders   the roles allowed to send it
     * @param important which senders' messages of this kind are important
     */
    public record KindRule(String kind, Set<Role> senders, Set<Role> important) {

        /** Whether a message of this kind from that role is important. */
        public boolean importantFrom(Role role) {
            return important.contains(role);
        }
    }

    private static final Set<Role> STAFF = EnumSet.of(Role.TEACHER, Role.ASSISTANT);
    private static final Set<Role> STUDENT = EnumSet.of(Role.STUDENT);
    private static final Set<Role> NONE = EnumSet.noneOf(Role.class);

    private static final Map<String, KindRule> RULES = Map.ofEntries(
            // chat: everyone; the teacher's and assistant's speech is important, students' is not
            rule("chat", EnumSet.of(Role.TEACHER, Role.ASSISTANT, Role.STUDENT), STAFF),
            rule("hand.raise", STUDENT, NONE),
            rule("hand.lower", STUDENT, NONE),
            rule("flower", STUDENT, NONE),
            rule("signin", STUDENT, NONE),
            rule("answer", STUDENT, NONE),
            rule("redpacket.grab", STUDENT, NONE),
            rule("signal", STAFF, STAFF),
            rule("quiz.start", STAFF, STAFF),
            rule("quiz.end", STAFF, STAFF),
            rule("signin.start", STAFF, STAFF),
            rule("signin.end", STAFF, STAFF),
            rule("redpacket.send", STAFF, STAFF),
            rule("hand.accept", STAFF, STAFF),
            rule("hand.dismiss", STAFF, STAFF),
            rule("hand.clear", STAFF, STAFF),
            rule("mute", STAFF, STAFF),
            rule("unmute", STAFF, STAFF),
            rule("kick", STAFF, STAFF));

    private Rights() {
    }

    private static Map.Entry<String, KindRule> rule(String kind, Set<Role> senders, Set<Role> important) {
        return Map.entry(kind, new KindRule(kind, Set.copyOf(senders), Set.copyOf(important)));
    }

    /** The rule of a kind, or empty for a kind Ketang does not know. */
    public static Optional<KindRule> rule(String kind) {
        return Optional.ofNullable(kind == null ? null : RULES.get(kind));
    }

    /** Whether the role may send the kind; false for unknown kinds. */
    public static boolean maySend(Role role, String kind) {
        return rule(kind).map(r -> r.senders().contains(role)).orElse(false);
    }

    /** Every known kind, for documentation and tests. */
    public static Set<String> kinds() {
        return RULES.keySet();
    }
}
