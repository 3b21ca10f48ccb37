package io.ketang.membership.api;

/**
 * Where a member's terminal is held: the node and the session's id there, as the session
 * registry names them. The session is null in a record written before sessions were recorded.
 *
 * @param node    the node holding the session
 * @param session the session's id on that node, or null
 */
public record Seat(String node, String session) {
}
