/**
 * Push: targeting, the important and unimportant classes, per-room sequencing and history,
 * merging, and handing messages to the sockets of this node. Publishes and reads the push topic in
 * {@code push.messaging}; other contexts use {@code push.api}.
 */
package io.ketang.push;
