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
 */
public record TopicSpec(String role, String name, int partitions, short replicationFactor, Map<String, String> configs) {
}
