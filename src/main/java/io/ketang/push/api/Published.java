package io.ketang.push.api;

/**
 * A message that is on the bus.
 *
 * @param seq its seq in the room for an important message, 0 for a normal one
 */
public record Published(long seq) {
}
