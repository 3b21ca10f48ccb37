/**
 * Heartbeat: the liveness of every (bid, room, uin). Owns the per-user timers of the users whose
 * heartbeat partitions this node owns, the timeout decision (after asking the session registry
 * whether the user is still connected anywhere), and exit notifications. Talks to others through
 * {@code heartbeat.api} types and CDI events; reads and writes the heartbeats and exits topics only
 * in {@code heartbeat.messaging}.
 */
package io.ketang.heartbeat;
