package io.ketang.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;

import io.ketang.localstack.LocalStack;
import io.ketang.localstack.StackService;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisMovedDataException;

/** Finding the server to break in the local stack, and bringing it back, for the fault tests. */
public final class StackFaults {

    public static final String PUSH_TOPIC = "ketang.push";

    private StackFaults() {
    }

    /** The Kafka broker leading the push partition a room's key goes to (Kafka's default partitioner). */
    public static int leaderOfRoomPartition(LocalStack stack, String roomKey) throws Exception {
        try (Admin admin = admin(stack)) {
            TopicDescription topic = push(admin);
            int partition = Utils.toPositive(Utils.murmur2(roomKey.getBytes(StandardCharsets.UTF_8))) % topic.partitions().size();
            TopicPartitionInfo info = topic.partitions().get(partition);
            if (info.replicas().size() != 3) {
                throw new AssertionError("the room's partition has " + info.replicas().size() + " replicas, not 3");
            }
            return info.leader().id();
        }
    }

    /** Starts the broker again and waits until every push partition has all its replicas in sync. */
    public static void restartBroker(StackService broker, LocalStack stack) {
        try {
            broker.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Admin admin = admin(stack)) {
            Awaitility.await("every replica of " + PUSH_TOPIC + " back in sync").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> push(admin).partitions().stream().allMatch(p -> p.isr().size() == p.replicas().size()));
        }
    }

    /** The Redis Cluster node (0-based) serving the key's slot: the one that answers it rather than redirecting. */
    public static int redisNodeHolding(LocalStack stack, String key) {
        for (int i = 0; i < 3; i++) {
            try (Jedis node = new Jedis("127.0.0.1", stack.redisNodePort(i), 2000)) {
                if (node.get(key) != null) {
                    return i;
                }
            } catch (JedisMovedDataException elsewhere) {
                // another node's slot
            }
        }
        throw new AssertionError("no node holds " + key);
    }

    /** Starts a stopped or killed server of the stack again. */
    public static void start(StackService service) {
        try {
            service.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TopicDescription push(Admin admin) throws Exception {
        return admin.describeTopics(List.of(PUSH_TOPIC)).allTopicNames().get().get(PUSH_TOPIC);
    }

    private static Admin admin(LocalStack stack) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }
}
