package io.ketang.flowcontrol.api;

import java.util.List;
import java.util.Map;

/**
 * A business's flow control at a glance, for the console.
 *
 * @param limits        every limit that applies to the business
 * @param mutedRooms    the business's rooms with their own mute set, and why ({@code auto}, {@code admin}, {@code staff})
 * @param businessMuted whether chat is muted in every room of the business
 * @param clusterMuted  whether flow control muted chat in every room of the cluster
 */
public record FlowReport(List<Limit> limits, List<MutedRoom> mutedRooms, boolean businessMuted, boolean clusterMuted) {

    /**
     * One limit.
     *
     * @param name          {@code room-chat} (each room's unimportant messages), {@code cluster}
     *                      (unimportant pushes of every business), {@code business} (the business's REST pushes)
     * @param perSecond     what it admits a second, across every node
     * @param usedLastSecond what it admitted in the last whole second for this business (for
     *                      {@code room-chat}: the busiest of the muted rooms, else -1), or -1 when Redis cannot say
     * @param whenRedisIsDown what it does while Redis, which counts it, is away
     * @param verdicts      this node's verdicts for the business since it started, by verdict
     */
    public record Limit(String name, long perSecond, long usedLastSecond, WhenRedisIsDown whenRedisIsDown,
                        Map<String, Long> verdicts) {
    }

    /** A muted room: its id and why. */
    public record MutedRoom(String room, String reason, boolean auto) {
    }
}
