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

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
