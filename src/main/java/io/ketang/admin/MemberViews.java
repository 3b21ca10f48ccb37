package io.ketang.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;


import io.ketang.membership.api.Member;
import io.ketang.membership.api.MemberPage;
import io.ketang.membership.api.Memberships;
import io.ketang.membership.api.RoomCounts;
import io.ketang.platform.auth.VerifiedToken;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Who is in a room, from this node's replica: {@code /api/v1/rooms/{room}/members} and
 * {@code /counts}, served through {@link RoomsResource} (JAX-RS picks one root resource per path).
 */
@RequestScoped
public class MemberViews {

    @Inject
    Memberships memberships;

    @Inject
    ServiceAuth auth;


    /** A member as the API shows it. */
    public record MemberBody(long uin, String role, String group, List<String> terminals, long joinedAt) {
        static MemberBody of(Member m) {
            return new MemberBody(m.uin(), m.role().wireName(), m.group(),
                    m.terminals().keySet().stream().sorted().map(Terminal::wireName).toList(), m.joinedAt());
        }
    }

    /** One page of members; {@code next} is the cursor (a uin) for the next page, null at the end. */
    public record MembersBody(int count, List<MemberBody> members, Long next) {
    }

    /** Counts per role and small-class group. */
    public record CountsBody(int total, Map<String, Integer> roles, Map<String, Integer> groups) {
    }

    MembersBody members(String authorization, String room, String role, String terminal, String group, String afterParam,
                        String limitParam) {
        RoomRef ref = auth.ownRoom(authorization, room);
        Optional<Role> roleFilter = role == null ? Optional.empty()
                : Optional.of(Role.parse(role).orElseThrow(() -> ApiErrors.badRequest("unknown role")));
        Optional<Terminal> terminalFilter = terminal == null ? Optional.empty()
                : Optional.of(Terminal.parse(terminal).orElseThrow(() -> ApiErrors.badRequest("unknown terminal")));
        if (group != null && (group.isEmpty() || group.length() > 64)) {
            throw ApiErrors.badRequest("group must be 1..64 characters");
        }
        long after = Params.integer(afterParam, "after", 0, 0, Long.MAX_VALUE);
        int limit = (int) Params.integer(limitParam, "limit", 100, 1, Memberships.MAX_PAGE);
        MemberPage page = memberships.page(ref, roleFilter, terminalFilter, Optional.ofNullable(group), after, limit);
        return new MembersBody(memberships.count(ref), page.members().stream().map(MemberBody::of).toList(), page.next());
    }

    CountsBody counts(String authorization, String room) {
        RoomCounts counts = memberships.counts(auth.ownRoom(authorization, room));
        return new CountsBody(counts.total(),
                counts.byRole().entrySet().stream().collect(Collectors.toMap(e -> e.getKey().wireName(), Map.Entry::getValue)),
                counts.byGroup());
    }
}
