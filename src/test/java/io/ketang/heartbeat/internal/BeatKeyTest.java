package io.ketang.heartbeat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import io.ketang.shared.RoomRef;

class BeatKeyTest {

    @Test
    void thePartitionIsTheOneKafkasProducerPicksForTheKey() {
        for (long uin = 1; uin < 2_000; uin++) {
            BeatKey key = new BeatKey(new RoomRef("school", "math-" + (uin % 7)), uin);
            int ours = key.partition(6);
            int kafkas = BuiltInPartitioner.partitionForKey(key.kafkaKey().getBytes(StandardCharsets.UTF_8), 6);
            assertThat(ours).as(key.kafkaKey()).isEqualTo(kafkas);
        }
    }

    @Test
    void theKeyReadsBack() {
        BeatKey key = new BeatKey(new RoomRef("school", "r:1.2"), 42);
        assertThat(BeatKey.parse(key.kafkaKey())).isEqualTo(key);
    }
}
