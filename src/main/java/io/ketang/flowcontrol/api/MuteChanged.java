package io.ketang.flowcontrol.api;

/**
 * Chat in a room, in every room of a business, or in every room there is, was muted or unmuted.
 * Fired on every node.
 *
 * @param bid    the business, or null when the whole cluster changed
 * @param room   the room id, or null when a whole business (or the cluster) changed
 * @param muted  the new state
 * @param reason as clients are told: {@code auto} (flow control, lifted when calm), {@code admin}
 *               (REST), {@code staff} (a teacher or assistant sent {@code mute}), {@code business}
 *               (REST, the whole business) or {@code cluster} (flow control, every room, lifted
 *               when calm); empty when unmuted
 */
public record MuteChanged(String bid, String room, boolean muted, String reason) {
}
