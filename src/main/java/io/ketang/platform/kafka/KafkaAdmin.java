package io.ketang.platform.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.Config;

/**
 * This node's Kafka admin client: creates the topics of the {@link TopicPlan} and tells the
 * health check whether the cluster answers.
 */
@ApplicationScoped
public class KafkaAdmin {

    private Admin admin;
    private List<TopicSpec> topics;

    protected KafkaAdmin() {
    }

    @Inject
    public KafkaAdmin(Config config) {
        this.topics = TopicPlan.from(key -> config.getOptionalValue(key, String.class));
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("ketang.kafka.bootstrap-servers", String.class),
                AdminClientConfig.CLIENT_ID_CONFIG, "ketang-admin-" + config.getValue("ketang.node.id", String.class),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000));
    }

    /** The topics this node's configuration asks for. */
    public List<TopicSpec> topics() {
        return topics;
    }

    /** Creates missing topics; an exception says why it could not. */
    public void ensureTopics() throws Exception {
        TopicProvisioner.ensure(admin, topics, 10_000);
    }

    /** How many brokers answer, or empty with the reason when none did within the timeout. */
    public Optional<Integer> brokers(long timeoutMs) throws Exception {
        var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                .nodes().get(timeoutMs + 500, TimeUnit.MILLISECONDS);
        return Optional.of(nodes.size());
    }

    /** The topic's id: it changes when a topic is deleted and made again, or lives on another cluster. */
    public String topicId(String topic, long timeoutMs) throws Exception {
        return admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS)
                .get(topic).topicId().toString();
    }

    /**
     * A topic as the cluster has it.
     *
     * @param partitions  its partition count, 0 when the topic does not exist
     * @param replication replicas of its first partition
     */
    public record TopicState(String name, int partitions, int replication) {
    }

    /**
     * One partition's consumer lag in a group: the log's end beside the group's committed offset.
     * An inactive group (no member: a node that is gone, whose group Kafka keeps until its
     * offsets expire) is marked, so its growing lag is not read as a node falling behind.
     */
    public record PartitionLag(String group, boolean active, String topic, int partition, long endOffset, long committed) {
        public long lag() {
            return Math.max(0, endOffset - committed);
        }
    }

    /** The configured topics as the cluster has them now. */
    public List<TopicState> topicStates(long timeoutMs) throws Exception {
        List<String> names = topics.stream().map(TopicSpec::name).toList();
        var described = admin.describeTopics(names).topicNameValues();
        List<TopicState> states = new java.util.ArrayList<>();
        for (String name : names) {
            try {
                var d = described.get(name).get(timeoutMs, TimeUnit.MILLISECONDS);
                states.add(new TopicState(name, d.partitions().size(),
                        d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size()));
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
                states.add(new TopicState(name, 0, 0));
            }
        }
        return states;
    }

    /**
     * Consumer lag of every group whose id starts with {@code prefix}, per partition it has
     * committed on: what the log holds beyond what the group has read.
     */
    public List<PartitionLag> lag(String prefix, long timeoutMs) throws Exception {
        Map<String, Boolean> active = new java.util.TreeMap<>();
        admin.listConsumerGroups().all().get(timeoutMs, TimeUnit.MILLISECONDS).stream()
                .filter(g -> g.groupId().startsWith(prefix))
                .forEach(g -> active.put(g.groupId(), g.groupState().map(s -> s != org.apache.kafka.common.GroupState.EMPTY
                        && s != org.apache.kafka.common.GroupState.DEAD).orElse(true)));
        List<String> groups = List.copyOf(active.keySet());
        Map<String, Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>> committed =
                new java.util.TreeMap<>();
        for (String group : groups) {
            committed.put(group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(timeoutMs, TimeUnit.MILLISECONDS));
        }
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> wanted = new java.util.HashMap<>();
        committed.values().forEach(offsets -> offsets.keySet().forEach(tp -> wanted.put(tp,
                org.apache.kafka.clients.admin.OffsetSpec.latest())));
        var ends = wanted.isEmpty() ? Map.<org.apache.kafka.common.TopicPartition,
                org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>of()
                : admin.listOffsets(wanted).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<PartitionLag> lags = new java.util.ArrayList<>();
        committed.forEach((group, offsets) -> offsets.entrySet().stream()
                .filter(e -> e.getValue() != null && ends.containsKey(e.getKey()))
                .sorted(java.util.Comparator.comparing((Map.Entry<org.apache.kafka.common.TopicPartition, ?> e) -> e.getKey().topic())
                        .thenComparingInt(e -> e.getKey().partition()))
                .forEach(e -> lags.add(new PartitionLag(group, active.get(group), e.getKey().topic(), e.getKey().partition(),
                        ends.get(e.getKey()).offset(), e.getValue().offset()))));
        return lags;
    }

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
