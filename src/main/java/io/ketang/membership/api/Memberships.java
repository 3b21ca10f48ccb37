package io.ketang.membership.api;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.ketang.membership.internal.GroupSeats;
import io.ketang.membership.internal.MemberEntry;
import io.ketang.membership.internal.Roster;
import io.ketang.membership.messaging.MemberLog;
import io.ketang.membership.messaging.MemberReplica;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Who is in each room. Changes go through Kafka so every node's replica applies them in the same
 * order; queries read this node's replica and never touch the network.
 */
@ApplicationScoped
public class Memberships {

    /** The most members one page may hold. */
    public static final int MAX_PAGE = 500;

    @Inject
    MemberLog log;

    @Inject
    MemberReplica replica;

    @Inject
    GroupSeats seats;

    /**
     * Enters a session into a room. A student in a room of small classes is seated in a group
     * first (the returned group, or null). Observers are never listed.
     *
     * @return the group, and a stage that completes when the change is on the bus
     */
    public Joining join(RoomRef room, long uin, Role role, Terminal terminal, Seat seat, int groupSize) {
        if (role == Role.OBSERVER) {
            return new Joining(null, java.util.concurrent.CompletableFuture.completedFuture(null));
        }
        String group = role == Role.STUDENT && groupSize > 0 ? seats.groupOf(room, uin, groupSize) : null;
        var written = log.put(new MemberEntry(room, uin, terminal, role, seat.node(), seat.session(), group,
                System.currentTimeMillis()));
        return new Joining(group, written);
    }

    /**
     * The outcome of {@link #join}.
     *
     * @param group   the small-class group, or null
     * @param written completes when the change is on the bus
     */
    public record Joining(String group, CompletionStage<Void> written) {
    }

    /** Takes a session out of a room; the member leaves with their last terminal. */
    public CompletionStage<Void> leave(RoomRef room, long uin, Terminal terminal) {
        return log.remove(room, uin, terminal);
    }

    public int count(RoomRef room) {
        Roster roster = replica.directory().roster(room);
        return roster == null ? 0 : roster.size();
    }

    public RoomCounts counts(RoomRef room) {
        Roster roster = replica.directory().roster(room);
        return roster == null ? new RoomCounts(0, java.util.Map.of(), java.util.Map.of()) : roster.counts();
    }

    public Optional<Member> member(RoomRef room, long uin) {
        Roster roster = replica.directory().roster(room);
        return Optional.ofNullable(roster == null ? null : roster.get(uin));
    }

    /** A page of the room's members in uin order after {@code afterUin}, filtered before paging. */
    public MemberPage page(RoomRef room, Optional<Role> role, Optional<Terminal> terminal, long afterUin, int limit) {
        return page(room, role, terminal, Optional.empty(), afterUin, limit);
    }

    /** The same, also filtered by small-class group (a scan from the cursor: for the console). */
    public MemberPage page(RoomRef room, Optional<Role> role, Optional<Terminal> terminal, Optional<String> group,
                           long afterUin, int limit) {
        Roster roster = replica.directory().roster(room);
        if (roster == null) {
            return new MemberPage(java.util.List.of(), null);
        }
        return roster.page(role, terminal, group, afterUin, Math.max(1, Math.min(limit, MAX_PAGE)));
    }

    /** Every member of every room on this node's replica; for the heartbeat owner's bookkeeping. */
    public void forEach(BiConsumer<RoomRef, Member> action) {
        var directory = replica.directory();
        for (RoomRef room : directory.rooms()) {
            Roster roster = directory.roster(room);
            if (roster != null) {
                roster.all().forEach(m -> action.accept(room, m));
            }
        }
    }

    /** When the user last left the room entirely (epoch ms, from the bus), or 0 when not recently. */
    public long leftAt(RoomRef room, long uin) {
        return replica.directory().leftAt(room, uin);
    }

    /** Whether this node's replica has caught up with the members topic since it started. */
    public boolean ready() {
        return replica.caughtUp();
    }

    /** How the replica was built at start, for operators. */
    public String replicaProgress() {
        return replica.progress();
    }
}
