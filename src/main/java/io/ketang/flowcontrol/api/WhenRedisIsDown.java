package io.ketang.flowcontrol.api;

/** What a shared limit does while Redis, which holds its count, cannot be reached. */
public enum WhenRedisIsDown {
    /** Admit within a local limit of the same rate on each node (the cluster may admit up to nodes × limit). */
    OPEN,
    /** Refuse everything (UNAVAILABLE) until Redis answers again. */
    CLOSED
}
