package io.ketang.heartbeat.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.ketang.heartbeat.api.Beat;

/**
 * Heartbeats noted on this node since the last flush, merged: one per user and room however often
 * the user's terminals beat. The flush writes them to the heartbeats topic as one batch.
 */
public final class BeatBatch {

    private final Map<BeatKey, Beat> pending = new ConcurrentHashMap<>();

    public void note(Beat beat) {
        pending.put(new BeatKey(beat.room(), beat.uin()), beat);
    }

    /** Forgets a pending beat, e.g. when the user leaves the room before the flush. */
    public void forget(BeatKey key) {
        pending.remove(key);
    }

    /** Takes everything noted so far. */
    public List<Beat> drain() {
        List<Beat> beats = new ArrayList<>(pending.size());
        for (BeatKey key : pending.keySet()) {
            Beat beat = pending.remove(key);
            if (beat != null) {
                beats.add(beat);
            }
        }
        return beats;
    }

    public int size() {
        return pending.size();
    }
}
