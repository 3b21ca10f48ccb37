package io.ketang.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;

/**
 * The local stack's Kafka: one broker by default, or three ({@code ketang.local.kafka.brokers=3}),
 * production's shape, where every topic has three replicas and a write needs two of them. Each
 * broker is also its own KRaft controller, so the three form the controller quorum and any one
 * of them can die without the cluster stopping. As one {@link StackService} it starts and stops
 * them all; {@link #broker} gives one, to kill it.
 */
final class KafkaCluster implements StackService {

    private final StackSettings settings;
    private final List<KafkaBroker> brokers = new ArrayList<>();

    KafkaCluster(StackSettings settings) {
        this.settings = settings;
        for (int i = 0; i < settings.kafkaBrokers(); i++) {
            brokers.add(new KafkaBroker(settings, i));
        }
    }

    /** The broker with this node id (1-based, as Kafka numbers them). */
    KafkaBroker broker(int nodeId) {
        return brokers.get(nodeId - 1);
    }

    @Override
    public String name() {
        return brokers.size() == 1 ? brokers.get(0).name()
                : "Kafka (KRaft), " + brokers.size() + " brokers on " + settings.kafkaBootstrap();
    }

    @Override
    public void start() throws IOException {
        String clusterId = clusterId(settings);
        // all processes first: a controller quorum of three needs two before anyone is ready
        for (KafkaBroker broker : brokers) {
            broker.startProcess(clusterId);
        }
        for (KafkaBroker broker : brokers) {
            broker.awaitReady(Duration.ofSeconds(120), brokers.size());
        }
    }

    @Override
    public void stop() {
        // the last one stopping cannot hand over leadership; each stop is bounded (SIGKILL after the grace)
        for (int i = brokers.size() - 1; i >= 0; i--) {
            brokers.get(i).stop();
        }
    }

    @Override
    public boolean isRunning() {
        return brokers.stream().allMatch(KafkaBroker::isRunning);
    }

    @Override
    public void stopStale() {
        brokers.forEach(KafkaBroker::stopStale);
    }

    /** The cluster's id, made on the first start and kept with the data: every broker formats its storage with it. */
    static String clusterId(StackSettings settings) throws IOException {
        Path file = settings.dataDir().resolve("kafka-cluster-id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.createDirectories(file.getParent());
        Files.writeString(file, id, StandardCharsets.US_ASCII);
        return id;
    }
}
