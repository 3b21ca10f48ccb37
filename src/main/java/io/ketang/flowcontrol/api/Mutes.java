package io.ketang.flowcontrol.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import io.ketang.flowcontrol.internal.MuteBoard;
import io.ketang.shared.RoomRef;

/**
 * Muting chat by hand, in one room or in every room of a business; the state is kept in Redis
 * and holds on every node ({@link MuteChanged} fires on each). Throws what Jedis throws when Redis
 * is away: a mute that cannot be stored is not half-done.
 */
@ApplicationScoped
public class Mutes {

    @Inject
    MuteBoard board;

    @Inject
    MetricRegistry metrics;

    public void room(RoomRef room, boolean muted, String by) {
        board.set(room.key(), muted, by);
        metrics.counter("ketang_flow_mute_changes", new Tag("bid", room.bid()), new Tag("room", room.room()),
                new Tag("muted", Boolean.toString(muted))).inc();
    }

    public void business(String bid, boolean muted, String by) {
        board.set(bid, muted, by);
        metrics.counter("ketang_flow_mute_changes", new Tag("bid", bid), new Tag("room", "*"),
                new Tag("muted", Boolean.toString(muted))).inc();
    }

    /** Why chat is muted in the room ({@code cluster}, {@code business}, {@code auto}, {@code admin}, {@code staff}), or null. */
    public String mutedBecause(RoomRef room) {
        MuteBoard.Muted muted = board.mutedBy(room);
        return muted == null ? null : muted.reason();
    }

    /** Whether the business itself is muted (by an admin), not counting a cluster-wide mute. */
    public boolean businessMuted(String bid) {
        return board.mutedBy(bid) != null;
    }
}
