package io.ketang.heartbeat.internal;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

import io.ketang.shared.RoomRef;

/**
 * A user in a room, the unit of liveness: the heartbeats topic's key ({@code bid/room/uin}) and the
 * key of the owner's timers. Its partition, by Kafka's own hash of the key, says which node owns it.
 */
public record BeatKey(RoomRef room, long uin) {

    public String kafkaKey() {
        return room.key() + "/" + uin;
    }

    /** The partition Kafka's default partitioner puts this key in. */
    public int partition(int partitions) {
        return Utils.toPositive(Utils.murmur2(kafkaKey().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    public static BeatKey parse(String key) {
        int slash = key.lastIndexOf('/');
        int first = key.indexOf('/');
        if (first <= 0 || slash <= first) {
            throw new IllegalArgumentException("bad heartbeat key");
        }
        return new BeatKey(new RoomRef(key.substring(0, first), key.substring(first + 1, slash)),
                Long.parseLong(key.substring(slash + 1)));
    }
}
