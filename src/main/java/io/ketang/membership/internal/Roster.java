package io.ketang.membership.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.MemberPage;
import io.ketang.membership.api.RoomCounts;
import io.ketang.membership.api.Seat;
import io.ketang.shared.Role;
import io.ketang.shared.Terminal;

/**
 * One room's member list, in memory. Reads never lock and never touch the network: a member
 * lookup, the counts and a filtered page are map reads. Writes (from the one thread that applies
 * the members topic) are serialised per room; members are immutable records replaced whole.
 */
public final class Roster {

    /** What an applied entry did to the list. */
    public enum Change { JOINED, UPDATED, LEFT, NONE }

    private final ConcurrentSkipListMap<Long, Member> members = new ConcurrentSkipListMap<>();
    /** The same members by role, for pages filtered by role without a scan of everyone. */
    private final Map<Role, ConcurrentSkipListMap<Long, Member>> byRole = new EnumMap<>(Role.class);
    private final Map<String, AtomicInteger> byGroup = new ConcurrentHashMap<>();

    public Roster() {
        for (Role role : Role.values()) {
            byRole.put(role, new ConcurrentSkipListMap<>());
        }
    }

    /** Records a session's presence; the member appears with its first terminal. */
    public synchronized Change put(MemberEntry entry) {
        Member before = members.get(entry.uin());
        Map<Terminal, Seat> terminals = new EnumMap<>(Terminal.class);
        long joinedAt = entry.joinedAt();
        if (before != null) {
            terminals.putAll(before.terminals());
            joinedAt = Math.min(joinedAt, before.joinedAt());
        }
        terminals.put(entry.terminal(), new Seat(entry.node(), entry.session()));
        String group = entry.group() != null ? entry.group() : before == null ? null : before.group();
        Member after = new Member(entry.uin(), entry.role(), group, Map.copyOf(terminals), joinedAt);
        if (after.equals(before)) {
            return Change.NONE;
        }
        store(before, after);
        return before == null ? Change.JOINED : Change.UPDATED;
    }

    /** Removes a session's presence; the member leaves with its last terminal. */
    public synchronized Change remove(long uin, Terminal terminal) {
        Member before = members.get(uin);
        if (before == null || !before.terminals().containsKey(terminal)) {
            return Change.NONE;
        }
        if (before.terminals().size() == 1) {
            store(before, null);
            return Change.LEFT;
        }
        Map<Terminal, Seat> terminals = new EnumMap<>(before.terminals());
        terminals.remove(terminal);
        store(before, new Member(uin, before.role(), before.group(), Map.copyOf(terminals), before.joinedAt()));
        return Change.UPDATED;
    }

    private void store(Member before, Member after) {
        if (before != null) {
            byRole.get(before.role()).remove(before.uin());
            if (before.group() != null) {
                byGroup.get(before.group()).decrementAndGet();
            }
        }
        if (after == null) {
            members.remove(before.uin());
            return;
        }
        members.put(after.uin(), after);
        byRole.get(after.role()).put(after.uin(), after);
        if (after.group() != null) {
            byGroup.computeIfAbsent(after.group(), g -> new AtomicInteger()).incrementAndGet();
        }
    }

    public Member get(long uin) {
        return members.get(uin);
    }

    public int size() {
        return members.size();
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    public RoomCounts counts() {
        Map<Role, Integer> roles = new EnumMap<>(Role.class);
        byRole.forEach((role, list) -> roles.put(role, list.size()));
        Map<String, Integer> groups = new HashMap<>();
        byGroup.forEach((group, count) -> {
            if (count.get() > 0) {
                groups.put(group, count.get());
            }
        });
        return new RoomCounts(members.size(), Map.copyOf(roles), Map.copyOf(groups));
    }

    /** Members after {@code afterUin} (exclusive), filtered before paging, at most {@code limit}. */
    public MemberPage page(Optional<Role> role, Optional<Terminal> terminal, long afterUin, int limit) {
        return page(role, terminal, Optional.empty(), afterUin, limit);
    }

    /**
     * The same, also filtered by small-class group: a scan from the cursor (a group is a few dozen
     * among thousands), for the console, not for a hot path.
     */
    public MemberPage page(Optional<Role> role, Optional<Terminal> terminal, Optional<String> group, long afterUin, int limit) {
        ConcurrentSkipListMap<Long, Member> source = role.map(byRole::get).orElse(members);
        List<Member> page = new ArrayList<>(Math.min(limit, 128));
        Long last = null;
        boolean more = false;
        for (Member member : source.tailMap(afterUin, false).values()) {
            if (terminal.isPresent() && !member.terminals().containsKey(terminal.get())
                    || group.isPresent() && !group.get().equals(member.group())) {
                continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(member);
            last = member.uin();
        }
        return new MemberPage(List.copyOf(page), more ? last : null);
    }

    public Collection<Member> all() {
        return members.values();
    }
}
