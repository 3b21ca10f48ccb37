package io.ketang.flowcontrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStackSession;
import io.ketang.localstack.StackService;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.SecondNode;

/**
 * Flow control on two nodes sharing one Redis (the test servers: a business may push 50 times a
 * second through REST, a room takes 40 unimportant messages a second and the cluster 60, each is
 * muted after 2 seconds over its limit and lifted after 2 calm seconds; a user may chat 10 times a
 * second).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FlowControlIT {

    private static final int BUSINESS_LIMIT = 50;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    private static SecondNode second;

    @ArquillianResource
    URL base;

    URI nodeA;
    URI nodeB;

    @BeforeAll
    static void startSecondNode() throws Exception {
        second = SecondNode.start();
    }

    @AfterAll
    static void stopSecondNode() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        nodeA = base.toURI();
        nodeB = second.uri();
        KetangHttp.awaitReady(nodeA);
        KetangHttp.awaitReady(nodeB);
    }

    private KetangClient enter(URI node, String bid, long uin, String role, String room) {
        return KetangClient.inRoom(node, KetangHttp.devToken(nodeA, uin, bid, role), "app", room);
    }

    private static String chat(String room, int id) {
        return "{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + room + "\",\"kind\":\"chat\",\"body\":{\"text\":\"m" + id + "\"}}";
    }

    private static JsonObject reply(KetangClient client, int id) {
        return client.next(f -> f.containsKey("id") && f.getInt("id") == id, Duration.ofSeconds(10));
    }

    /** Ten students of the room, half on each node, chatting 8 times a second each (80/s, twice the room's limit). */
    private List<KetangClient> flooders(String bid, String room, long firstUin) {
        List<KetangClient> flooders = new ArrayList<>();
        for (long uin = firstUin; uin < firstUin + 10; uin++) {
            flooders.add(enter(uin % 2 == 0 ? nodeA : nodeB, bid, uin, "student", room));
        }
        return flooders;
    }

    private static java.util.concurrent.ScheduledFuture<?> flood(ScheduledExecutorService pace, List<KetangClient> flooders,
                                                               String room) {
        AtomicInteger ids = new AtomicInteger(1000);
        return pace.scheduleAtFixedRate(() -> flooders.forEach(s -> s.send(chat(room, ids.incrementAndGet()))),
                0, 125, TimeUnit.MILLISECONDS);
    }

    @Test
    void twoNodesHammeringOneBusinessLimitAdmitNoMoreThanItPerSecond() throws Exception {
        KetangHttp.liveRoom(nodeA, "flow-1", "fl-1");
        String service = KetangHttp.serviceToken(nodeA, "flow-1");
        String push = "{\"room\":\"fl-1\",\"kind\":\"flower\",\"body\":{}}";
        // per second (Redis's clock, which is this machine's): admissions whose whole request fell inside it
        Map<Long, AtomicInteger> admittedIn = new ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong retryAfterSeen = new AtomicLong();
        long until = System.currentTimeMillis() + 7_000;
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> hammers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            URI node = t % 2 == 0 ? nodeA : nodeB;
            hammers.add(CompletableFuture.runAsync(() -> {
                while (System.currentTimeMillis() < until) {
                    long start = System.currentTimeMillis();
                    KetangHttp.Reply reply = KetangHttp.postJson(node, "/api/v1/push", push, service);
                    long end = System.currentTimeMillis();
                    if (reply.status() == 202 && start / 1000 == end / 1000) {
                        admittedIn.computeIfAbsent(start / 1000, s -> new AtomicInteger()).incrementAndGet();
                    } else if (reply.status() == 429) {
                        refused.incrementAndGet();
                        retryAfterSeen.accumulateAndGet(reply.json().getJsonNumber("retryAfterMs").longValue(), Math::max);
                    } else if (reply.status() != 202) {
                        throw new AssertionError("HTTP " + reply.status() + " " + reply.body());
                    }
                }
            }, threads));
        }
        CompletableFuture.allOf(hammers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        threads.shutdown();

        Map<Long, Integer> perSecond = new TreeMap<>();
        admittedIn.forEach((second, n) -> perSecond.put(second, n.get()));
        System.out.println("Business limit " + BUSINESS_LIMIT + "/s, admitted per second across two nodes: "
                + perSecond.values() + ", refused " + refused.get());
        assertThat(perSecond.values()).as("admitted per second").allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(BUSINESS_LIMIT * 105 / 100));
        assertThat(perSecond.values()).as("the limit was reached").anySatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(BUSINESS_LIMIT * 8 / 10));
        assertThat(refused.get()).as("the hammering went past the limit").isPositive();
        assertThat(retryAfterSeen.get()).isBetween(1L, 1000L);

        // whichever node refused them counted them
        String metrics = KetangHttp.get(nodeA, "/metrics?scope=application").body()
                + KetangHttp.get(nodeB, "/metrics?scope=application").body();
        assertThat(metrics.lines()).as("refusals are counted by limit and business")
                .anySatisfy(line -> assertThat(line).startsWith("ketang_flow_admissions_total{")
                        .contains("bid=\"flow-1\"", "limit=\"business\"", "verdict=\"rate_limited\""));
    }

    @Test
    void aChatFloodIsLimitedThenMutedThenLiftedWhileOtherRoomsAndImportantMessagesFlow() throws Exception {
        KetangHttp.liveRoom(nodeA, "flow-2", "flood-1");
        KetangHttp.liveRoom(nodeA, "flow-2", "calm-1");
        List<KetangClient> flooders = new ArrayList<>();
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
        try (KetangClient teacher = enter(nodeA, "flow-2", 1, "teacher", "flood-1");
             KetangClient watcher = enter(nodeB, "flow-2", 300, "student", "flood-1");
             KetangClient calm = enter(nodeB, "flow-2", 400, "student", "calm-1")) {
            flooders.addAll(flooders("flow-2", "flood-1", 301));
            var flooding = flood(pace, flooders, "flood-1");
            KetangClient one = flooders.get(0);
            // on a slow machine the room may be muted before this flooder meets its own frame
            // budget's refusal: the notice is kept if it passes while that refusal is awaited
            AtomicReference<JsonObject> oneToldMuted = new AtomicReference<>();
            JsonObject limited = one.next(f -> {
                if ("muted".equals(f.getString("type")) && f.getBoolean("muted")) {
                    oneToldMuted.compareAndSet(null, f);
                }
                return "error".equals(f.getString("type")) && "RATE_LIMITED".equals(f.getString("code"));
            }, Duration.ofSeconds(10));
            assertThat(limited.getJsonNumber("retryAfterMs").longValue()).isBetween(1L, 1000L);

            // merged and sampled on the way out: the watcher's batches say what they left out
            JsonObject sampled = watcher.next(f -> "batch".equals(f.getString("type")) && f.getInt("dropped") > 0,
                    Duration.ofSeconds(10));
            assertThat(sampled.getJsonArray("items")).isNotEmpty();
            assertThat(KetangHttp.get(nodeB, "/metrics?scope=application").body().lines())
                    .anySatisfy(line -> assertThat(line).startsWith("ketang_push_sampled_out_total{").contains("bid=\"flow-2\""));

            // two seconds over the limit: chat is muted, on both nodes
            JsonObject muted = watcher.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(15));
            assertThat(muted.getBoolean("muted")).isTrue();
            assertThat(muted.getString("reason")).isEqualTo("auto");
            assertThat(muted.getString("room")).isEqualTo("flood-1");
            JsonObject oneMuted = oneToldMuted.get() != null ? oneToldMuted.get()
                    : one.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(5));
            assertThat(oneMuted.getBoolean("muted")).isTrue();
            one.next(f -> "error".equals(f.getString("type")) && "MUTED".equals(f.getString("code")), Duration.ofSeconds(5));

            // important messages keep flowing in the muted room, and the other room is untouched
            teacher.send("{\"type\":\"send\",\"id\":7,\"room\":\"flood-1\",\"kind\":\"signal\",\"body\":{\"slide\":3}}");
            assertThat(reply(teacher, 7).getString("type")).isEqualTo("sent");
            watcher.next(f -> "msg".equals(f.getString("type")) && "signal".equals(f.getString("kind")), Duration.ofSeconds(10));
            calm.send(chat("calm-1", 1));
            assertThat(reply(calm, 1).getString("type")).isEqualTo("sent");

            // the flood stops: two calm seconds later chat is open again
            flooding.cancel(false);
            JsonObject lifted = watcher.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(20));
            assertThat(lifted.getBoolean("muted")).isFalse();
            watcher.send(chat("flood-1", 2));
            assertThat(reply(watcher, 2).getString("type")).isEqualTo("sent");
            assertThat(calm.closed()).isFalse();
        } finally {
            pace.shutdownNow();
            flooders.forEach(KetangClient::close);
        }
    }

    @Test
    void twoFloodedRoomsTogetherOverTheClusterLimitMuteEveryRoomUntilCalm() throws Exception {
        KetangHttp.liveRoom(nodeA, "flow-6", "busy-1");
        KetangHttp.liveRoom(nodeA, "flow-6", "busy-2");
        KetangHttp.liveRoom(nodeA, "flow-7", "quiet-1");
        List<KetangClient> flooders = new ArrayList<>();
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
        // a room of another business, where nobody floods
        try (KetangClient quiet = enter(nodeB, "flow-7", 800, "student", "quiet-1")) {
            List<KetangClient> first = flooders("flow-6", "busy-1", 801);
            List<KetangClient> second = flooders("flow-6", "busy-2", 821);
            flooders.addAll(first);
            flooders.addAll(second);
            // each room admits its 40 a second: together 80 against the cluster's 60
            var floods = List.of(flood(pace, first, "busy-1"), flood(pace, second, "busy-2"));

            JsonObject muted = quiet.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(15));
            assertThat(muted.getBoolean("muted")).isTrue();
            assertThat(muted.getString("reason")).isEqualTo("cluster");
            quiet.send(chat("quiet-1", 1));
            // refused: muted, or, when the mute has just lifted (the muted floods leave the cluster
            // calm for two seconds, a loaded machine can take that long here) and the floods are
            // over the cluster's limit again, for the rate
            assertThat(reply(quiet, 1).getString("code")).isIn("MUTED", "RATE_LIMITED");

            floods.forEach(f -> f.cancel(false));
            JsonObject lifted = quiet.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(20));
            assertThat(lifted.getBoolean("muted")).isFalse();
            quiet.send(chat("quiet-1", 2));
            assertThat(reply(quiet, 2).getString("type")).isEqualTo("sent");
        } finally {
            pace.shutdownNow();
            flooders.forEach(KetangClient::close);
        }
    }

    @Test
    void anAdminMuteOfTheBusinessHoldsOnEveryNodeUntilLifted() {
        KetangHttp.liveRoom(nodeA, "flow-3", "mute-1");
        String service = KetangHttp.serviceToken(nodeA, "flow-3");
        try (KetangClient teacher = enter(nodeA, "flow-3", 1, "teacher", "mute-1");
             KetangClient onA = enter(nodeA, "flow-3", 501, "student", "mute-1");
             KetangClient onB = enter(nodeB, "flow-3", 502, "student", "mute-1")) {
            KetangHttp.Reply set = KetangHttp.put(nodeB, "/api/v1/mutes/business", "{\"muted\":true}", service);
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.json().getBoolean("muted")).isTrue();

            for (KetangClient student : List.of(onA, onB)) {
                JsonObject notice = student.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(10));
                assertThat(notice.getBoolean("muted")).isTrue();
                assertThat(notice.getString("reason")).isEqualTo("business");
            }
            onA.send(chat("mute-1", 1));
            assertThat(reply(onA, 1).getString("code")).isEqualTo("MUTED");
            onB.send(chat("mute-1", 2));
            assertThat(reply(onB, 2).getString("code")).isEqualTo("MUTED");
            // the teacher still speaks (important) and may chat
            teacher.send(chat("mute-1", 3));
            assertThat(reply(teacher, 3).getString("type")).isEqualTo("sent");
            assertThat(KetangHttp.get(nodeA, "/api/v1/mutes/rooms/mute-1", service).json().getString("reason")).isEqualTo("business");

            assertThat(KetangHttp.put(nodeA, "/api/v1/mutes/business", "{\"muted\":false}", service).status()).isEqualTo(200);
            for (KetangClient student : List.of(onA, onB)) {
                assertThat(student.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(10)).getBoolean("muted")).isFalse();
            }
            onB.send(chat("mute-1", 4));
            assertThat(reply(onB, 4).getString("type")).isEqualTo("sent");

            // one room by hand, and bad input
            assertThat(KetangHttp.put(nodeA, "/api/v1/mutes/rooms/mute-1", "{\"muted\":true}", service).json().getString("reason")).isEqualTo("admin");
            assertThat(onB.next(f -> "muted".equals(f.getString("type")), Duration.ofSeconds(10)).getString("reason")).isEqualTo("admin");
            assertThat(KetangHttp.put(nodeA, "/api/v1/mutes/rooms/mute-1", "{}", service).status()).isEqualTo(400);
            assertThat(KetangHttp.put(nodeA, "/api/v1/mutes/rooms/mute-1", "{\"muted\":false}", KetangHttp.devToken(nodeA, 9, "flow-3", "student"))
                    .status()).isEqualTo(403);
            assertThat(KetangHttp.put(nodeA, "/api/v1/mutes/rooms/mute-1", "{\"muted\":false}", service).json().getBoolean("muted")).isFalse();
        }
    }

    @Test
    void withRedisRestartedEachLimitFollowsItsModeAndScriptsReload() {
        KetangHttp.liveRoom(nodeA, "flow-4", "redis-1");
        String service = KetangHttp.serviceToken(nodeA, "flow-4");
        String push = "{\"room\":\"redis-1\",\"kind\":\"flower\",\"body\":{}}";
        try (KetangClient student = enter(nodeA, "flow-4", 601, "student", "redis-1")) {
            assertThat(KetangHttp.postJson(nodeA, "/api/v1/push", push, service).status()).isEqualTo(202);
            StackService redis = LocalStackSession.stack().redis();
            redis.stop();
            try {
                // the business limit fails closed: nothing is pushed that it could not count
                KetangHttp.Reply closed = KetangHttp.postJson(nodeB, "/api/v1/push", push, service);
                assertThat(closed.status()).isEqualTo(503);
                assertThat(closed.json().getString("code")).isEqualTo("UNAVAILABLE");
                // the room's chat limit fails open, within a local limit
                student.send(chat("redis-1", 1));
                assertThat(reply(student, 1).getString("type")).isEqualTo("sent");
                assertThat(student.closed()).isFalse();
            } finally {
                start(redis);
            }
            // Redis came back without its scripts: the first EVALSHA meets NOSCRIPT and loads them again
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(KetangHttp.postJson(nodeB, "/api/v1/push", push, service).status()).isEqualTo(202));
            student.send(chat("redis-1", 2));
            assertThat(reply(student, 2).getString("type")).isEqualTo("sent");
        }
    }

    @Test
    void aClientThatWaitsRetryAfterMsIsNeverCutOff() {
        KetangHttp.liveRoom(nodeA, "flow-5", "polite-1");
        try (KetangClient student = enter(nodeA, "flow-5", 701, "student", "polite-1")) {
            int refusals = 0;
            for (int id = 1; id <= 30; id++) {
                student.send(chat("polite-1", id));
                JsonObject reply = reply(student, id);
                while ("error".equals(reply.getString("type"))) {
                    assertThat(reply.getString("code")).isEqualTo("RATE_LIMITED");
                    refusals++;
                    long wait = reply.getJsonNumber("retryAfterMs").longValue();
                    assertThat(wait).isBetween(1L, 1000L);
                    // the client does what the error says: the same message again once the wait is over
                    int again = id;
                    CompletableFuture.runAsync(() -> student.send(chat("polite-1", again)),
                            CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS)).join();
                    reply = reply(student, id);
                }
                assertThat(reply.getString("type")).isEqualTo("sent");
            }
            assertThat(refusals).as("30 chats at once pass a budget of 10 a second").isPositive();
            assertThat(student.closed()).isFalse();
        }
    }

    private static void start(StackService service) {
        try {
            service.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
