package io.ketang.platform.kafka;

import java.util.Map;

/**
 * One Kafka topic as Ketang wants it.
 *
 * @param role              the topic's role in Ketang (push, heartbeats, members, exits, events)
 * @param name              the topic's configured name
 * @param partitions        computed by {@link TopicPlan#partitionsFor}
 * @param replicationFactor replicas of every partition
 * @param configs           topic-level settings, such as compaction for the member log
 * @param sizing            the throughputs the partition count was computed from
 */
public record TopicSpec(String role, String name, int partitions, short replicationFactor, Map<String, String> configs,
                        Sizing sizing) {

    /**
     * What a topic is sized for, messages a second: its target T, and what one partition takes
     * from producers (PT) and gives to consumers (CT).
     */
    public record Sizing(long target, long producerPerPartition, long consumerPerPartition) {
    }
}
