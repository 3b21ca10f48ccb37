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
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run as
 * a child JVM from the Kafka jars on this classpath. The child watches its stdin and exits
 * when the pipe closes, so it cannot outlive us even when we are killed with SIGKILL.
 */
final class KafkaBroker implements StackService {

    private final StackSettings settings;
    private final Path dir;
    private final ChildProcess process;

    KafkaBroker(StackSettings settings) {
        this.settings = settings;
        this.dir = settings.dataDir().resolve("kafka");
        this.process = new ChildProcess("Kafka broker", settings.dataDir().resolve("kafka.pid"), KafkaBrokerMain.class.getName());
    }

    @Override
    public String name() {
        return "Kafka (KRaft) on " + settings.kafkaBootstrap();
    }

    @Override
    public void stopStale() {
        process.stopStale();
    }

    @Override
    public void start() throws IOException {
        stopStale();
        StackSettings.requireFree("Kafka", settings.host(), settings.kafkaPort(), "KETANG_LOCAL_KAFKA_PORT");
        StackSettings.requireFree("Kafka's controller", settings.host(), settings.kafkaControllerPort(), "KETANG_LOCAL_KAFKA_CONTROLLER_PORT");
        Path logDir = dir.resolve("data");
        Path config = dir.resolve("server.properties");
        Files.createDirectories(logDir);
        writeConfig(config, logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config);
        }
        process.start(javaCommand(KafkaBrokerMain.class.getName(), config.toString()), dir.resolve("broker.log"), true);
        awaitReady(Duration.ofSeconds(90));
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
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + settings.host() + ":" + settings.kafkaControllerPort());
        p.put("listeners", "PLAINTEXT://" + settings.host() + ":" + settings.kafkaPort()
                + ",CONTROLLER://" + settings.host() + ":" + settings.kafkaControllerPort());
        p.put("advertised.listeners", "PLAINTEXT://" + settings.kafkaBootstrap());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // one node: internal topics cannot have more replicas than brokers
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
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

    private void format(Path config) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
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

    private void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.CLIENT_ID_CONFIG, "ketang-localstack-" + UUID.randomUUID());
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited during start; see " + dir.resolve("broker.log"));
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException("Kafka broker not ready after " + timeout + "; see " + dir.resolve("broker.log"), notYet);
                    }
                }
            }
        }
    }
}
