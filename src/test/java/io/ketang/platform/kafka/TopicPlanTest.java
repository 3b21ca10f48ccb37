package io.ketang.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TopicPlanTest {

    @Test
    void partitionsFollowTargetOverTheSmallerPerPartitionThroughput() {
        // T / min(PT, CT): the consumer side is the bottleneck here
        assertThat(TopicPlan.partitionsFor(20_000, 10_000, 5_000)).isEqualTo(4);
        // and the producer side here
        assertThat(TopicPlan.partitionsFor(20_000, 3_000, 5_000)).isEqualTo(7);
    }

    @Test
    void partialPartitionsRoundUpAndThereIsAlwaysOne() {
        assertThat(TopicPlan.partitionsFor(10_001, 10_000, 10_000)).isEqualTo(2);
        assertThat(TopicPlan.partitionsFor(1, 10_000, 10_000)).isEqualTo(1);
    }

    @Test
    void nonPositiveThroughputIsRefused() {
        assertThatThrownBy(() -> TopicPlan.partitionsFor(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicPlan.partitionsFor(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicPlan.partitionsFor(1, 1, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void planIsComputedFromSettingsWithPerTopicOverrides() {
        Map<String, String> settings = Map.of(
                "ketang.kafka.partition.producer-throughput", "1000",
                "ketang.kafka.partition.consumer-throughput", "2000",
                "ketang.topic.push.target-throughput", "4500",
                "ketang.topic.push.name", "school.push",
                "ketang.topic.heartbeats.target-throughput", "10000",
                "ketang.topic.heartbeats.producer-throughput", "5000",
                "ketang.kafka.replication-factor", "3");
        var plan = TopicPlan.from(key -> Optional.ofNullable(settings.get(key)));

        TopicSpec push = plan.stream().filter(t -> t.role().equals("push")).findFirst().orElseThrow();
        assertThat(push.name()).isEqualTo("school.push");
        assertThat(push.partitions()).isEqualTo(5);
        assertThat(push.replicationFactor()).isEqualTo((short) 3);
        assertThat(push.configs()).containsEntry("min.insync.replicas", "2");

        TopicSpec heartbeats = plan.stream().filter(t -> t.role().equals("heartbeats")).findFirst().orElseThrow();
        assertThat(heartbeats.partitions()).isEqualTo(5); // 10000 / min(5000, 2000)

        TopicSpec members = plan.stream().filter(t -> t.role().equals("members")).findFirst().orElseThrow();
        assertThat(members.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(plan).extracting(TopicSpec::role).containsExactly("push", "heartbeats", "members", "exits", "events");
    }

    @Test
    void aSettingThatIsNotANumberIsNamedInTheError() {
        assertThatThrownBy(() -> TopicPlan.from(key -> key.equals("ketang.topic.exits.target-throughput")
                ? Optional.of("lots") : Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ketang.topic.exits.target-throughput");
    }
}
