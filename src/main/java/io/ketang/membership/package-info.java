/**
 * Membership: the in-memory member list of every room (a full replica on every node, fed from the
 * compacted members topic), its queries and counts, presence digests and snapshots for fast restart.
 * Other contexts use {@code membership.api} only; the Kafka adapter lives in {@code membership.messaging}.
 */
package io.ketang.membership;
