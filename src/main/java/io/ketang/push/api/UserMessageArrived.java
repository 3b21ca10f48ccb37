package io.ketang.push.api;

import java.util.Set;

/**
 * Fired on every node for a message to users wherever they are, in a room or not.
 *
 * @param bid   their business
 * @param uins  the users
 * @param frame the client frame, encoded once
 */
public record UserMessageArrived(String bid, Set<Long> uins, String frame) {
}
