package io.ketang.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the local stack once for a test run that asks for it (failsafe sets
 * {@code ketang.localstack=start}) and stops it when the run ends. Before Arquillian starts the
 * integration-test Liberty server, it points that server at the stack through its
 * {@code server.env}.
 */
public final class LocalStackSession implements LauncherSessionListener {

    private static final Logger LOG = Logger.getLogger(LocalStackSession.class.getName());
    private static volatile LocalStack stack;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!"start".equals(System.getProperty("ketang.localstack")) || stack != null) {
            return;
        }
        try {
            stack = LocalStack.start(Path.of("target", "it-stack"), true, line -> LOG.info("local stack: " + line));
            writeServerEnv(stack.ketangEnvironment());
        } catch (IOException e) {
            // surefire prints only the message of what a session listener throws: the cause goes to the log
            LOG.log(Level.SEVERE, "the local stack did not start", e);
            throw new UncheckedIOException("the local stack did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        LocalStack running = stack;
        stack = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running stack, for tests that stop and restart one of its servers. */
    public static LocalStack stack() {
        LocalStack running = stack;
        if (running == null) {
            throw new IllegalStateException("no local stack: run integration tests through failsafe (mvn verify)");
        }
        return running;
    }

    private static void writeServerEnv(Map<String, String> environment) throws IOException {
        String server = System.getProperty("ketang.it.server", "ketangIT");
        Path serverEnv = Path.of("target", "liberty", "wlp", "usr", "servers", server, "server.env");
        if (!Files.isDirectory(serverEnv.getParent())) {
            throw new IOException("no Liberty server at " + serverEnv.getParent() + " (liberty:create runs in pre-integration-test)");
        }
        List<String> lines = new ArrayList<>();
        if (Files.exists(serverEnv)) {
            for (String line : Files.readAllLines(serverEnv, StandardCharsets.UTF_8)) {
                if (!line.startsWith("KETANG_") && !line.startsWith("MP_MESSAGING_")) {
                    lines.add(line);
                }
            }
        }
        environment.forEach((k, v) -> lines.add(k + "=" + v));
        String port = System.getProperty("ketang.it.http.port", "9081");
        // the test server: demo tokens on, its own origin allowed, short timers and a small
        // outbound queue so that tests reach each limit quickly
        lines.add("KETANG_DEV_TOKENS_ENABLED=true");
        lines.add("KETANG_GATEWAY_ALLOWED_ORIGINS=http://localhost:" + port + ",http://127.0.0.1:" + port);
        lines.add("KETANG_GATEWAY_HELLO_TIMEOUT_MS=" + Integer.getInteger("ketang.it.hello-timeout-ms", 1500));
        lines.add("KETANG_GATEWAY_OUTBOUND_QUEUE=256");
        // the tests' own client (KetangClient) does not ack, as most tests need no acks: unacked
        // important messages cut a client off only after 10 minutes here. The fault suite's clients
        // ack, and it runs with production's 30 s; SlowReaderIT starts a node of its own with 5 s.
        lines.add("KETANG_GATEWAY_ACK_TIMEOUT_MS=" + Integer.getInteger("ketang.it.ack-timeout-ms", 600_000));
        lines.add("KETANG_GATEWAY_STAFF_FRAMES_PER_SEC=1000");
        lines.add("KETANG_GATEWAY_STAFF_BURST=2000");
        // heartbeats every 2 s (the fault suite: 5 s): timeouts and failover within seconds instead
        // of a minute, in production's proportions (timeouts of three intervals, session entries
        // living four and a half)
        int heartbeatSec = Integer.getInteger("ketang.it.heartbeat-sec", 2);
        lines.add("KETANG_GATEWAY_HEARTBEAT_SEC=" + heartbeatSec);
        lines.add("KETANG_SESSIONS_TTL_MS=" + heartbeatSec * 4500);
        lines.add("KETANG_HEARTBEAT_FLUSH_MS=500");
        lines.add("KETANG_HEARTBEAT_TIMEOUT_MS=" + heartbeatSec * 3000);
        lines.add("KETANG_HEARTBEAT_SESSION_TIMEOUT_MS=" + heartbeatSec * 3000);
        lines.add("KETANG_HEARTBEAT_KAFKA_HEARTBEAT_MS=1000");
        lines.add("KETANG_MEMBERSHIP_SNAPSHOT_MS=2000");
        // rooms re-read from the database after half a second: a stopped database shows at once
        lines.add("KETANG_ROOM_CACHE_MS=500");
        // rooms of more than four are large: students there get a bare count every 3 s at most
        lines.add("KETANG_PRESENCE_LARGE_ROOM=4");
        lines.add("KETANG_PRESENCE_LARGE_ROOM_INTERVAL_MS=3000");
        // short retention and small batches: tests reach "fell out of history" and sampling quickly
        lines.add("KETANG_PUSH_HISTORY_COUNT=200");
        lines.add("KETANG_PUSH_HISTORY_MS=0");
        lines.add("KETANG_PUSH_BATCH_MAX_ITEMS=5");
        // flow control: a room limit a handful of students can pass, quick automatic mute and lift
        lines.add("KETANG_GATEWAY_CHAT_PER_SEC=10");
        lines.add("KETANG_GATEWAY_CHAT_BURST=10");
        lines.add("KETANG_FLOW_ROOM_CHAT_PER_SEC=40");
        lines.add("KETANG_FLOW_AUTO_MUTE_AFTER_WINDOWS=2");
        lines.add("KETANG_FLOW_AUTO_MUTE_CALM_WINDOWS=2");
        lines.add("KETANG_FLOW_BUSINESS_PUSHES_PER_SEC=50");
        lines.add("KETANG_FLOW_CLUSTER_PUSHES_PER_SEC=60");
        // a send to an unreachable Kafka fails within seconds instead of 40
        lines.add("MP_MESSAGING_CONNECTOR_LIBERTY_KAFKA_MAX_BLOCK_MS=3000");
        lines.add("MP_MESSAGING_CONNECTOR_LIBERTY_KAFKA_DELIVERY_TIMEOUT_MS=8000");
        lines.add("MP_MESSAGING_CONNECTOR_LIBERTY_KAFKA_REQUEST_TIMEOUT_MS=5000");
        Files.write(serverEnv, lines, StandardCharsets.UTF_8);
        DevServerConfig.install(serverEnv.getParent());
    }
}
