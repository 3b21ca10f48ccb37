package io.ketang.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real Kafka broker in KRaft mode (broker and controller in one process), run as a child JVM
 * from the Kafka jars on this classpath: one of the {@link KafkaCluster}'s. The child watches its
 * stdin and exits when the pipe closes, so it cannot outlive us even when we are killed with SIGKILL.
 */
final class KafkaBroker implements StackService {

    private final StackSettings settings;
    /** 0-based; the broker's node id is one more. */
    private final int index;
    private final Path dir;
    private final ChildProcess process;

    KafkaBroker(StackSettings settings, int index) {
        this.settings = settings;
        this.index = index;
        // the first broker keeps the directory and pid file of the single-broker stack
        String suffix = index == 0 ? "" : "-" + (index + 1);
        this.dir = settings.dataDir().resolve("kafka" + suffix);
        this.process = new ChildProcess("Kafka broker " + nodeId(), settings.dataDir().resolve("kafka" + suffix + ".pid"),
                KafkaBrokerMain.class.getName());
    }

    int nodeId() {
        return index + 1;
    }

    String address() {
        return settings.host() + ":" + settings.kafkaPort(index);
    }

    @Override
    public String name() {
        return "Kafka broker " + nodeId() + " (KRaft) on " + address();
    }

    @Override
    public void stopStale() {
        process.stopStale();
    }

    /** Starts the broker and waits until it answers; with more than one, the others must start too (a quorum). */
    @Override
    public void start() throws IOException {
        startProcess(KafkaCluster.clusterId(settings));
        awaitReady(Duration.ofSeconds(90), 1);
    }

    /** Writes the configuration, formats the storage on first start, and starts the process. */
    void startProcess(String clusterId) throws IOException {
        stopStale();
        StackSettings.requireFree("Kafka", settings.host(), settings.kafkaPort(index), "KETANG_LOCAL_KAFKA_PORT");
        StackSettings.requireFree("Kafka's controller", settings.host(), settings.kafkaControllerPort(index),
                "KETANG_LOCAL_KAFKA_CONTROLLER_PORT");
        Path logDir = dir.resolve("data");
        Path config = dir.resolve("server.properties");
        Files.createDirectories(logDir);
        writeConfig(config, logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, clusterId);
        }
        process.start(javaCommand(KafkaBrokerMain.class.getName(), config.toString()), dir.resolve("broker.log"), true);
    }

    /** Kills the broker with SIGKILL, as a crash would: no controlled shutdown, no leadership handed over. */
    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void stop() {
        // a broker that lost quorum can ignore SIGTERM: the grace period ends in SIGKILL
        process.stop(Duration.ofSeconds(20));
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    private void writeConfig(Path config, Path logDir) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId()));
        p.put("controller.quorum.voters", java.util.stream.IntStream.range(0, settings.kafkaBrokers())
                .mapToObj(i -> (i + 1) + "@" + settings.host() + ":" + settings.kafkaControllerPort(i))
                .collect(java.util.stream.Collectors.joining(",")));
        p.put("listeners", "PLAINTEXT://" + address()
                + ",CONTROLLER://" + settings.host() + ":" + settings.kafkaControllerPort(index));
        p.put("advertised.listeners", "PLAINTEXT://" + address());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // internal topics: as many replicas as the cluster has (at most 3), two in sync when it can
        String replicas = String.valueOf(settings.kafkaReplicationFactor());
        String minInsync = String.valueOf(settings.kafkaMinInsyncReplicas());
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minInsync);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minInsync);
        // a broker that dies is fenced, and its partitions get new leaders, after 3 s without its
        // heartbeat (Kafka's default: 9 s); the tests' own timers are shortened likewise
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minInsync);
        p.put("group.initial.rebalance.delay.ms", "0");
        // Ketang creates its topics with computed partition counts; nothing appears by accident
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("log.retention.hours", "24");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "written by Ketang's local stack on every start");
        }
    }

    private void format(Path config, String clusterId) throws IOException {
        List<String> command = javaCommand("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString());
        Process format = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile()))
                .start();
        try {
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("formatting Kafka storage failed; see " + dir.resolve("format.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting Kafka storage", e);
        }
    }

    private List<String> javaCommand(String mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new java.util.ArrayList<>(List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseG1GC",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** Waits until this broker answers and sees at least {@code brokers} brokers in the cluster. */
    void awaitReady(Duration timeout, int brokers) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.CLIENT_ID_CONFIG, "ketang-localstack-" + UUID.randomUUID());
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited during start; see " + dir.resolve("broker.log"));
                }
                try {
                    var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                    if (nodes.size() >= brokers) {
                        return;
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException(name() + " sees " + nodes.size() + " of " + brokers + " brokers after " + timeout);
                    }
                    // the others are still starting: ask again shortly
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                } catch (IOException e) {
                    throw e;
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException("Kafka broker not ready after " + timeout + "; see " + dir.resolve("broker.log"), notYet);
                    }
                }
            }
        }
    }
}
