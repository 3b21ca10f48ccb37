package io.ketang.flowcontrol.api;

/**
 * Chat in a room, or in every room of a business, was muted or unmuted. Fired on every node.
 *
 * @param bid    the business
 * @param room   the room id, or null when the whole business changed
 * @param muted  the new state
 * @param reason {@code auto} (flow control, lifted when calm), {@code admin} (REST) or
 *               {@code staff} (a teacher or assistant sent {@code mute}); empty when unmuted
 */
public record MuteChanged(String bid, String room, boolean muted, String reason) {
}
