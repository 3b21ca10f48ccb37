package io.ketang.heartbeat.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;

import io.ketang.heartbeat.internal.HeartbeatOwner;
import io.ketang.platform.kafka.ConsumerLoop;

/**
 * Reads the heartbeats topic in one consumer group for the whole cluster, so each partition (and
 * so each user) has exactly one owner, and tells the owner when partitions come and go. A plain
 * Kafka consumer rather than a Reactive Messaging channel, because the owner must hear of
 * rebalances. Offsets are not committed: a heartbeat is only worth its arrival time, and a new
 * owner starts at the end with a full timeout for everyone.
 */
@ApplicationScoped
public class HeartbeatReader {

    private static final Logger LOG = Logger.getLogger(HeartbeatReader.class.getName());

    @Inject
    Config config;

    @Inject
    HeartbeatOwner owner;

    @Resource
    ManagedThreadFactory threads;

    private final ConsumerLoop loop = new ConsumerLoop("Heartbeat reader", LOG);

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        String topic = config.getValue("ketang.topic.heartbeats.name", String.class);
        loop.start(threads, "ketang-heartbeat-reader", () -> new KafkaConsumer<>(properties()), kafka -> {
            kafka.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    owner.revoked(parts.stream().map(TopicPartition::partition).toList());
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> parts) {
                    onPartitionsRevoked(parts);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    int count = kafka.partitionsFor(topic).size();
                    kafka.seekToEnd(parts);
                    owner.assigned(parts.stream().map(TopicPartition::partition).toList(), count);
                }
            });
            while (loop.running()) {
                for (ConsumerRecord<String, String> record : kafka.poll(Duration.ofMillis(500))) {
                    try {
                        owner.beat(HeartbeatRecords.beat(record.key(), record.value()));
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "Skipping an unreadable heartbeat record", e);
                    }
                }
            }
        });
    }

    private Properties properties() {
        Properties p = io.ketang.platform.kafka.ConsumerSettings.base(config.getValue("ketang.kafka.bootstrap-servers", String.class),
                "ketang-heartbeats-" + config.getValue("ketang.node.id", String.class));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.getOptionalValue("ketang.heartbeat.group", String.class).orElse("ketang-heartbeats"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.getOptionalValue("ketang.heartbeat.session-timeout-ms", String.class).orElse("10000"));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, config.getOptionalValue("ketang.heartbeat.kafka-heartbeat-ms", String.class).orElse("3000"));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "60000");
        return p;
    }

    @PreDestroy
    void stop() {
        loop.stop();
    }
}
