package io.ketang.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStack;
import io.ketang.localstack.LocalStackSession;
import io.ketang.localstack.StackService;
import io.ketang.testing.CarefulClient;
import io.ketang.testing.ExitWatch;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.Latencies;
import io.ketang.testing.SecondNode;
import io.ketang.testing.StackFaults;

/**
 * The fault suite: a class of {@code ketang.faults.students} (1,000 by the {@code faults}
 * profile) on two nodes, a teacher sending important messages at {@code ketang.faults.rate}/s,
 * and one fault per case. Each case then checks that every student holds every acknowledged seq
 * exactly once (pushed or pulled, never voided), counts false kicks (a 4xxx close other than a
 * drain, a {@code kicked}, an exit notice for a student who stayed) and the member counts on
 * each node, prints one row, and fails if anything was lost or anyone falsely kicked. The rows go
 * into {@code docs/reliability.md} with the date and the machine.
 *
 * <pre>mvn -Pfaults verify</pre>
 *
 * <p>Students behave as the reference client does ({@link CarefulClient}): heartbeats, acks each
 * second, pulls of gaps, and on a broken, closed or silent connection a reconnect to the other
 * node with {@code since}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuite {

    private static final Logger LOG = Logger.getLogger(FaultSuite.class.getName());
    private static final int STUDENTS = Integer.getInteger("ketang.faults.students", 100);
    private static final int RATE = Integer.getInteger("ketang.faults.rate", 10);
    /** How long a case's traffic goes on after its fault. */
    private static final Duration AFTER = Duration.ofSeconds(Integer.getInteger("ketang.faults.after-sec", 15));
    /** A connection silent this long is given up by a client: 2.5 heartbeat intervals, as the reference client does. */
    private static final Duration LIVENESS = Duration.ofMillis(2500L * Integer.getInteger("ketang.it.heartbeat-sec", 2));
    private static final String BID = "faults";
    private static final long TEACHER = 1;
    private static final List<FaultRow> ROWS = new CopyOnWriteArrayList<>();
    private static final Map<Long, String> TOKENS = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService PACE = Executors.newSingleThreadScheduledExecutor();

    private static SecondNode nodeB;
    private static ExitWatch exits;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @BeforeAll
    static void secondNode() throws Exception {
        nodeB = SecondNode.start();
        exits = new ExitWatch(LocalStackSession.stack().kafkaBootstrap(), BID);
    }

    @AfterAll
    static void report() throws Exception {
        exits.close();
        if (nodeB != null) {
            nodeB.close();
        }
        if (!ROWS.isEmpty()) {
            FaultRow.write(ROWS, STUDENTS, RATE);
        }
    }

    @Test
    @Order(1)
    void aKafkaBrokerKilledThenThePushPartitionsLeader() throws Exception {
        LocalStack stack = LocalStackSession.stack();
        assumeTrue(stack.kafkaBrokers() >= 3, "needs three brokers");
        run("Kafka broker killed (kill -9) and restarted; then the room's push-partition leader", drill -> {
            StackService broker = stack.kafkaBroker(3);
            broker.kill();
            drill.traffic(Duration.ofSeconds(8));
            StackFaults.restartBroker(broker, stack);
            int leader = StackFaults.leaderOfRoomPartition(stack, BID + "/" + drill.room);
            stack.kafkaBroker(leader).kill();
            drill.traffic(Duration.ofSeconds(8));
            StackFaults.restartBroker(stack.kafkaBroker(leader), stack);
            return "broker 3, then broker " + leader;
        });
    }

    @Test
    @Order(2)
    void theRoomsRedisMasterKilledAndRestarted() throws Exception {
        LocalStack stack = LocalStackSession.stack();
        assumeTrue(stack.redisCluster(), "needs the Redis Cluster");
        run("Redis Cluster master of the room's slot killed (kill -9), restarted 5 s later from its AOF", drill -> {
            int node = StackFaults.redisNodeHolding(stack, "ketang:seq:{" + BID + "/" + drill.room + "}");
            stack.redisNode(node).kill();
            drill.traffic(Duration.ofSeconds(5));
            StackFaults.start(stack.redisNode(node));
            return "master " + (node + 1) + " of 3; no replicas";
        });
    }

    @Test
    @Order(3)
    void everyRedisMasterRestarted() throws Exception {
        LocalStack stack = LocalStackSession.stack();
        assumeTrue(stack.redisCluster(), "needs the Redis Cluster");
        run("All of Redis restarted (every master stopped, then started from its AOF)", drill -> {
            for (int i = 0; i < 3; i++) {
                stack.redisNode(i).stop();
            }
            for (int i = 0; i < 3; i++) {
                StackFaults.start(stack.redisNode(i));
            }
            return "3 masters";
        });
    }

    @Test
    @Order(4)
    void aNodeKilledUnderLoad() throws Exception {
        run("A Ketang node killed (kill -9) under load; its students reconnect to the other", drill -> {
            int onB = drill.onNode(nodeB.uri());
            nodeB.kill();
            drill.down(nodeB.uri());
            return onB + " students were on the killed node";
        });
    }

    @Test
    @Order(5)
    void aNodeFrozenFor20Seconds() throws Exception {
        run("A Ketang node frozen 20 s (SIGSTOP, then SIGCONT)", drill -> {
            int onB = drill.onNode(nodeB.uri());
            nodeB.pause();
            LOG.info(() -> "node B frozen at " + java.time.Instant.now());
            try {
                drill.traffic(Duration.ofSeconds(20));
            } finally {
                nodeB.resume();
                LOG.info(() -> "node B running again at " + java.time.Instant.now());
            }
            return onB + " students were on the frozen node";
        });
    }

    @Test
    @Order(6)
    void postgresStopped() throws Exception {
        StackService postgres = LocalStackSession.stack().postgres();
        run("PostgreSQL stopped; 10% of students reconnect meanwhile", drill -> {
            postgres.stop();
            try {
                int dropped = drill.dropEvery(10);
                long started = System.nanoTime();
                var created = KetangHttp.postJson(drill.nodeA, "/api/v1/rooms",
                        "{\"room\":\"" + drill.room + "-new\",\"title\":\"New\",\"teacherUin\":1}", KetangHttp.serviceToken(drill.nodeA, BID));
                long createMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(created.status()).as("room creation with the database away").isEqualTo(503);
                Awaitility.await("the dropped students back in the room").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200)).until(drill::allJoined);
                return dropped + " rejoined from the room cache; a room creation answered 503 in " + createMs + " ms";
            } finally {
                StackFaults.start(postgres);
            }
        });
    }

    @Test
    @Order(7)
    void slowReaders() throws Exception {
        run("10% of students stop reading (their app alive, their network gone)", drill -> {
            long before = drill.heapKb();
            long stalledAt = System.nanoTime();
            Map<Long, DeadPhone> phones = drill.deadPhones(STUDENTS / 10);
            // their own thread: a phone's write may wait on its socket, and the teacher must not wait with it
            var beats = Executors.newSingleThreadScheduledExecutor();
            var beating = beats.scheduleAtFixedRate(() -> phones.values().forEach(DeadPhone::beat),
                    0, Integer.getInteger("ketang.it.heartbeat-sec", 2), TimeUnit.SECONDS);
            try {
                // a client that reads nothing never sees its close: the room's exit notices say it is out
                Awaitility.await("the dead phones cut off").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> exits.reasons(drill.room, phones.keySet()).size() == phones.size());
            } finally {
                beating.cancel(false);
                beats.shutdownNow();
                phones.values().forEach(DeadPhone::close);
            }
            long cutOffSec = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stalledAt);
            long after = drill.heapKb();
            var reasons = new java.util.TreeMap<String, Long>();
            exits.reasons(drill.room, phones.keySet()).values().forEach(r -> reasons.merge(r, 1L, Long::sum));
            return phones.size() + " dead phones, all out within " + cutOffSec + " s (exits " + reasons + "); heap of both nodes after a full GC " + before / 1024 + " MB before, " + after / 1024 + " MB after";
        });
    }

    // --- a case -------------------------------------------------------------------------------

    /** A fault injected into a running class; returns a note for the row. */
    @FunctionalInterface
    interface Fault {
        String inject(Drill drill) throws Exception;
    }

    private void run(String name, Fault fault) throws Exception {
        URI nodeA = base.toURI();
        KetangHttp.awaitReady(nodeA);
        if (!nodeB.running()) {
            nodeB.restart(); // after the case that killed it
        }
        KetangHttp.awaitReady(nodeB.uri());
        try (Drill drill = new Drill(nodeA, nodeB.uri(), "f" + (ROWS.size() + 1) + "-" + System.currentTimeMillis() % 1_000_000)) {
            drill.join();
            drill.startSending();
            drill.traffic(Duration.ofSeconds(5));
            long faultAt = System.nanoTime();
            String note = fault.inject(drill);
            long faultOver = System.nanoTime();
            Awaitility.await("the class back to normal").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> drill.normalSince(faultOver));
            String timing = String.format("%.1f s / %.1f s", (faultOver - faultAt) / 1e9, (System.nanoTime() - faultOver) / 1e9);
            drill.traffic(AFTER);
            FaultRow row = drill.finish(name, note, timing, exits);
            ROWS.add(row);
            LOG.info(row::line);
            assertThat(row.lost()).as("acknowledged messages a student does not hold").isZero();
            assertThat(row.falseKicks()).as("students who stayed but were closed as kicked, slow or replaced").isZero();
            assertThat(row.falseExits()).as("exit notices about students who stayed").isZero();
            assertThat(row.duplicateExits()).as("sessions reported gone twice").isZero();
            assertThat(row.membersExact()).as("member count on every node: " + row.members()).isTrue();
        }
    }


    static String token(URI node, long uin) {
        return TOKENS.computeIfAbsent(uin, u -> KetangHttp.devToken(node, u, BID, u == TEACHER ? "teacher" : "student"));
    }

    /** One class of the suite: a room, a teacher on node A, students half on each node. */
    final class Drill implements AutoCloseable {
        final URI nodeA;
        final URI nodeB;
        final String room;
        final Latencies latency = new Latencies();
        private final CarefulClient teacher;
        private final List<CarefulClient> students = new ArrayList<>();
        private final ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
        private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
        private final Map<Integer, Long> pending = new ConcurrentHashMap<>();
        private final AtomicLong lastAckedAt = new AtomicLong();
        private final AtomicLong unsent = new AtomicLong();
        private final List<URI> down = new CopyOnWriteArrayList<>();
        /** Students whose connection the case dropped: an exit notice for them is what a drop is. */
        private final List<CarefulClient> dropped = new CopyOnWriteArrayList<>();
        private volatile java.util.concurrent.ScheduledFuture<?> sending;
        private int nextId = 1_000;

        Drill(URI nodeA, URI nodeB, String room) {
            this.nodeA = nodeA;
            this.nodeB = nodeB;
            this.room = room;
            KetangHttp.liveRoom(nodeA, BID, room);
            teacher = CarefulClient.open(List.of(nodeA), token(nodeA, TEACHER), "pc", room, LIVENESS);
            teacher.onReply(this::reply);
        }

        /** Students join in waves of 100, alternating nodes, each with the other node as its fallback. */
        void join() {
            for (int first = 0; first < STUDENTS; first += 100) {
                List<CarefulClient> wave = new ArrayList<>();
                for (int i = first; i < Math.min(STUDENTS, first + 100); i++) {
                    List<URI> nodes = i % 2 == 0 ? List.of(nodeA, nodeB) : List.of(nodeB, nodeA);
                    CarefulClient student = CarefulClient.open(nodes, token(nodeA, 10_000 + i), "app", room, LIVENESS);
                    student.onPush(this::pushed);
                    wave.add(student);
                }
                students.addAll(wave);
                Awaitility.await("students " + first + ".. joined").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(100)).until(() -> wave.stream().allMatch(CarefulClient::joined));
            }
            Awaitility.await("the teacher joined").atMost(Duration.ofSeconds(30)).until(teacher::joined);
            students.forEach(CarefulClient::resetCounts);
        }

        /**
         * Lets the class run on for the given time's worth of the teacher's messages (the scenario's
         * own pace: a fault is held, or the class watched, while that much traffic is sent).
         */
        void traffic(Duration d) {
            long until = nextIdNow() + d.toSeconds() * RATE;
            Awaitility.await(d.toSeconds() + " s of traffic").atMost(d.multipliedBy(3).plusSeconds(10))
                    .pollInterval(Duration.ofMillis(50)).until(() -> nextIdNow() >= until);
        }

        private synchronized long nextIdNow() {
            return nextId;
        }

        void startSending() {
            long every = 1_000_000 / RATE;
            sending = PACE.scheduleAtFixedRate(this::sendOne, 0, every, TimeUnit.MICROSECONDS);
        }

        private void sendOne() {
            int id;
            synchronized (this) {
                id = nextId++;
            }
            pending.put(id, System.nanoTime());
            if (!teacher.send("{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + room + "\",\"kind\":\"signal\",\"body\":{\"t\":"
                    + System.nanoTime() + "}}")) {
                pending.remove(id);
                unsent.incrementAndGet();
            }
        }

        private void reply(JsonObject f) {
            if (!f.containsKey("id") || pending.remove(f.getInt("id")) == null) {
                return;
            }
            if ("sent".equals(f.getString("type"))) {
                acked.add(f.getJsonNumber("seq").longValue());
                lastAckedAt.set(System.nanoTime());
            } else {
                refused.computeIfAbsent(f.getString("code", "?"), k -> new AtomicLong()).incrementAndGet();
            }
        }

        private void pushed(JsonObject m) {
            JsonObject body = m.getJsonObject("body");
            if (body != null && body.containsKey("t")) {
                latency.record(System.nanoTime() - body.getJsonNumber("t").longValue());
            }
        }

        int onNode(URI node) {
            return (int) students.stream().filter(s -> s.joined() && s.node().equals(node)).count();
        }

        /** A node that is gone for the rest of the case: its member count is not asked for. */
        void down(URI node) {
            down.add(node);
        }

        boolean allJoined() {
            return students.stream().allMatch(CarefulClient::joined);
        }

        /** Every student in the room again, and the teacher's sends acknowledged since the fault. */
        boolean normalSince(long faultAt) {
            return lastAckedAt.get() - faultAt > 0 && allJoined();
        }

        int dropEvery(int nth) {
            int n = 0;
            for (int i = 0; i < students.size(); i += nth) {
                students.get(i).drop();
                dropped.add(students.get(i));
                n++;
            }
            return n;
        }

        /** Joins n dead phones (uins from 20,000), alternating nodes. */
        Map<Long, DeadPhone> deadPhones(int n) throws java.io.IOException {
            Map<Long, DeadPhone> phones = new java.util.LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                long uin = 20_000L + i;
                phones.put(uin, DeadPhone.join(i % 2 == 0 ? nodeA : nodeB, token(nodeA, uin), room));
            }
            return phones;
        }

        /** The heap both nodes use after a full collection, in KB. */
        long heapKb() throws Exception {
            return NodeHeap.usedAfterGcKb(NodeHeap.pidOfFirstNode()) + NodeHeap.usedAfterGcKb(FaultSuite.nodeB.pid());
        }

        /** Stops the teacher, lets every student catch up, and counts what happened. */
        FaultRow finish(String name, String note, String timing, ExitWatch exits) {
            sending.cancel(false);
            try {
                Awaitility.await("the teacher's last sends answered").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).until(pending::isEmpty);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // sends on a connection the teacher's client gave up: never answered, never counted as sent
                LOG.warning(() -> pending.size() + " of the teacher's sends got no answer; the teacher's connections ended by "
                        + teacher.ends());
            }
            unsent.addAndGet(pending.size());
            long highest = acked.isEmpty() ? 0 : acked.last();
            List<CarefulClient> staying = students;
            try {
                Awaitility.await("every student holding seq " + highest).atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(200)).until(() -> staying.stream().allMatch(s -> s.held() >= highest));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                LOG.warning(() -> "not every student caught up: " + e.getMessage());
            }
            var ends = new java.util.TreeMap<String, Long>();
            long lost = 0;
            long twice = 0;
            long reconnects = 0;
            long kicks = 0;
            for (CarefulClient s : staying) {
                long held = s.held();
                for (long seq : acked) {
                    if (seq > held || s.voided(seq)) {
                        lost++;
                    }
                }
                s.ends().forEach((how, n) -> ends.merge(how, n.get(), Long::sum));
                twice += s.pushedTwice();
                reconnects += s.reconnects();
                kicks += s.ends().entrySet().stream().filter(e -> falseClose(e.getKey())).mapToLong(e -> e.getValue().get()).sum();
            }
            var stayingUins = new java.util.HashSet<Long>(List.of(TEACHER));
            for (int i = 0; i < students.size(); i++) {
                if (!dropped.contains(students.get(i))) {
                    stayingUins.add(10_000L + i);
                }
            }
            ExitWatch.Seen seen = exits.seen(room, stayingUins);
            if (seen.forStaying() > 0) {
                LOG.warning(() -> "exit notices about students who stayed, e.g. " + seen.sample());
            }
            int expected = staying.size() + 1;
            String members = awaitMembers(expected);
            String notes = teacher.ends().isEmpty() ? note : note + "; the teacher's connection ended by " + teacher.ends();
            return new FaultRow(name, notes, STUDENTS, acked.size(), refusedText(), unsent.get(), lost, twice, kicks,
                    seen.forStaying(), seen.duplicates(), reconnects, timing, latency.percentileMs(0.99), members,
                    !members.contains("expected"), ends.isEmpty() ? "none" : ends.toString());
        }

        private String refusedText() {
            var out = new java.util.TreeMap<String, Long>();
            refused.forEach((code, n) -> out.put(code, n.get()));
            return out.isEmpty() ? "0" : out.toString();
        }

        /** Waits until both nodes count the room's members as expected; says what each counted. */
        private String awaitMembers(int expected) {
            StringBuilder out = new StringBuilder();
            for (URI node : List.of(nodeA, nodeB)) {
                if (down.contains(node)) {
                    out.append("down ");
                    continue;
                }
                long[] total = {-1};
                try {
                    String service = KetangHttp.serviceToken(nodeA, BID);
                    Awaitility.await("members counted on " + node).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                            .ignoreExceptions().until(() -> {
                                total[0] = KetangHttp.get(node, "/api/v1/rooms/" + room + "/counts", service).json().getInt("total");
                                return total[0] == expected;
                            });
                    out.append(total[0]).append(" ✓ ");
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    out.append(total[0]).append(" (expected ").append(expected).append(") ");
                }
            }
            return out.toString().trim();
        }

        @Override
        public void close() {
            if (sending != null) {
                sending.cancel(false);
            }
            teacher.close();
            students.forEach(CarefulClient::close);
        }
    }

    /** A close that a student who stayed should never get: any 4xxx but a drain's 4503, a join refused for good. */
    static boolean falseClose(String how) {
        return how.matches("4\\d\\d\\d") && !"4503".equals(how);
    }
}
