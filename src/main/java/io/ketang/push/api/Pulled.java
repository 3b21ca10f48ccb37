package io.ketang.push.api;

import java.util.List;

/**
 * Important messages read back from a room's history.
 *
 * @param frames    the messages' frames in seq order
 * @param lastSeq   the seq of the last one, or the requested start when there are none
 * @param head      the room's last seq
 * @param complete  false when messages right after the requested seq have fallen out of retention
 * @param bytes     the frames' size in all, UTF-8 bytes
 */
public record Pulled(List<String> frames, long lastSeq, long head, boolean complete, long bytes) {

    /** Whether there is more after this page. */
    public boolean more() {
        return lastSeq < head;
    }
}
