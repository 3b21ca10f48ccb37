package io.ketang.platform.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Ketang's Kafka topics and their partition counts, computed from configured throughput targets
 * by the sizing rule Num = T / min(PT, CT): T is the topic's target throughput, PT and CT what one
 * partition takes from producers and gives to consumers (messages per second). Too few partitions
 * throttle and delay; too many slow elections and rebalances, so the count is derived, not guessed.
 *
 * <p>Settings, each with a default: {@code ketang.topic.<role>.name},
 * {@code ketang.topic.<role>.target-throughput}, and {@code ketang.kafka.partition.producer-throughput} /
 * {@code ketang.kafka.partition.consumer-throughput} (overridable per topic as
 * {@code ketang.topic.<role>.producer-throughput} / {@code .consumer-throughput}), plus
 * {@code ketang.kafka.replication-factor} and {@code ketang.kafka.min-insync-replicas}.
 */
public final class TopicPlan {

    /** A role with its default name, default target throughput (messages/s) and topic configs. */
    private record Role(String role, String defaultName, long defaultTarget, Map<String, String> configs) {
    }

    private static final List<Role> ROLES = List.of(
            // every node reads every push; ordered per room by key
            new Role("push", "ketang.push", 20_000, Map.of("retention.ms", "3600000")),
            // one owner per user: partitions spread the users over the nodes of one consumer group
            new Role("heartbeats", "ketang.heartbeats", 30_000, Map.of("retention.ms", "600000")),
            // the durable member log every node replays: last value per bid/room/uin
            new Role("members", "ketang.members", 10_000, Map.of("cleanup.policy", "compact",
                    "min.cleanable.dirty.ratio", "0.1", "delete.retention.ms", "3600000")),
            // exit notifications for the business backends, keyed by bid
            new Role("exits", "ketang.exits", 5_000, Map.of("retention.ms", "604800000")),
            // every interaction, for analytics
            new Role("events", "ketang.events", 20_000, Map.of("retention.ms", "604800000")));

    static final long DEFAULT_PRODUCER_THROUGHPUT = 10_000;
    static final long DEFAULT_CONSUMER_THROUGHPUT = 5_000;

    private TopicPlan() {
    }

    /**
     * The sizing rule: {@code ceil(T / min(PT, CT))}, at least one partition.
     *
     * @throws IllegalArgumentException when a throughput is not positive
     */
    public static int partitionsFor(long target, long producerPerPartition, long consumerPerPartition) {
        if (target <= 0 || producerPerPartition <= 0 || consumerPerPartition <= 0) {
            throw new IllegalArgumentException("throughputs must be positive: T=" + target
                    + " PT=" + producerPerPartition + " CT=" + consumerPerPartition);
        }
        long perPartition = Math.min(producerPerPartition, consumerPerPartition);
        long partitions = (target + perPartition - 1) / perPartition;
        return (int) Math.max(1, Math.min(partitions, Integer.MAX_VALUE));
    }

    /** The topics from settings looked up by name (MicroProfile Config, or a properties file). */
    public static List<TopicSpec> from(Function<String, Optional<String>> settings) {
        long producer = number(settings, "ketang.kafka.partition.producer-throughput", DEFAULT_PRODUCER_THROUGHPUT);
        long consumer = number(settings, "ketang.kafka.partition.consumer-throughput", DEFAULT_CONSUMER_THROUGHPUT);
        short replication = (short) number(settings, "ketang.kafka.replication-factor", 1);
        String minInsync = settings.apply("ketang.kafka.min-insync-replicas").orElse(String.valueOf(Math.min(2, replication)));
        List<TopicSpec> topics = new ArrayList<>();
        for (Role role : ROLES) {
            String prefix = "ketang.topic." + role.role() + ".";
            var sizing = new TopicSpec.Sizing(
                    number(settings, prefix + "target-throughput", role.defaultTarget()),
                    number(settings, prefix + "producer-throughput", producer),
                    number(settings, prefix + "consumer-throughput", consumer));
            int partitions = partitionsFor(sizing.target(), sizing.producerPerPartition(), sizing.consumerPerPartition());
            var configs = new java.util.HashMap<>(role.configs());
            configs.put("min.insync.replicas", minInsync);
            topics.add(new TopicSpec(role.role(), settings.apply(prefix + "name").orElse(role.defaultName()),
                    partitions, replication, Map.copyOf(configs), sizing));
        }
        return List.copyOf(topics);
    }

    private static long number(Function<String, Optional<String>> settings, String key, long fallback) {
        return settings.apply(key).map(String::trim).filter(v -> !v.isEmpty()).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, not '" + v + "'", e);
            }
        }).orElse(fallback);
    }
}
