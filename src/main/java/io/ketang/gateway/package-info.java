/**
 * The WebSocket access layer (an adapter, not a context): the {@code /ws} endpoint, the frame
 * codec, per-session writers, authentication of {@code hello}, and the protocol's close codes.
 * It reaches the contexts through their {@code api} packages only.
 */
package io.ketang.gateway;
