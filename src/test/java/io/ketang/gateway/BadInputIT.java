package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jwt.JWTClaimsSet;

import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.TestTokens;

/**
 * Every kind of bad input gets the documented refusal, and the server keeps serving others: after
 * each case an honest client still says hello and joins.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadInputIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI app;
    TestTokens tokens;

    @BeforeEach
    void setUp() throws Exception {
        app = base.toURI();
        KetangHttp.awaitReady(app);
        tokens = TestTokens.ofTestServer();
    }

    private void serverStillServes() {
        try (KetangClient honest = KetangClient.connect(app)) {
            assertThat(honest.hello(KetangHttp.devToken(app, 4242, "school", "student"), "web").getString("type"))
                    .isEqualTo("welcome");
        }
    }

    private int helloCloseCode(String token) {
        try (KetangClient client = KetangClient.connect(app)) {
            client.send("{\"type\":\"hello\",\"token\":\"" + token + "\",\"terminal\":\"web\"}");
            return client.closeCode(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTokenSignedByOurKeyIsAccepted() throws Exception {
        // the control case: the minting below is right, so the refusals are about the twist
        try (KetangClient client = KetangClient.connect(app)) {
            JsonObject welcome = client.hello(tokens.rs256(TestTokens.claims(77, "school", "student").build()), "app");
            assertThat(welcome.getJsonNumber("uin").longValue()).isEqualTo(77);
        }
    }

    @Test
    void expiredAndNotYetValidTokensAreRefused() throws Exception {
        Instant now = Instant.now();
        String expired = tokens.rs256(TestTokens.claims(78, "school", "student")
                .issueTime(Date.from(now.minusSeconds(7200))).expirationTime(Date.from(now.minusSeconds(600))).build());
        String notYet = tokens.rs256(TestTokens.claims(79, "school", "student")
                .notBeforeTime(Date.from(now.plusSeconds(600))).build());
        assertThat(helloCloseCode(expired)).isEqualTo(4401);
        assertThat(helloCloseCode(notYet)).isEqualTo(4401);
        serverStillServes();
    }

    @Test
    void algNoneAndKeyConfusionAreRefused() throws Exception {
        JWTClaimsSet claims = TestTokens.claims(80, "school", "teacher").build();
        assertThat(helloCloseCode(tokens.none(claims))).isEqualTo(4401);
        assertThat(helloCloseCode(tokens.hs256WithPublicKey(claims))).isEqualTo(4401);
        serverStillServes();
    }

    @Test
    void wrongIssuerOrAudienceOrMissingClaimsAreRefused() throws Exception {
        assertThat(helloCloseCode(tokens.rs256(TestTokens.claims(81, "school", "student")
                .issuer("https://evil.example").build()))).isEqualTo(4401);
        assertThat(helloCloseCode(tokens.rs256(TestTokens.claims(82, "school", "student")
                .audience(List.of("someone-else")).build()))).isEqualTo(4401);
        assertThat(helloCloseCode(tokens.rs256(TestTokens.claims(83, "school", "student")
                .claim("role", null).build()))).isEqualTo(4401);
        assertThat(helloCloseCode(tokens.rs256(TestTokens.claims(84, "school", "student")
                .subject("not-a-number").build()))).isEqualTo(4401);
        // a service token is for the REST API, not for a classroom socket
        assertThat(helloCloseCode(KetangHttp.serviceToken(app, "school"))).isEqualTo(4401);
        serverStillServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example", "http://localhost:9081.evil.example", "https://localhost:9081",
            "http://localhost:9082", "null"})
    void aForeignOrLookAlikeOriginIsRefusedAtTheHandshake(String origin) {
        assertThat(KetangClient.handshakeStatus(app, origin)).isEqualTo(403);
        serverStillServes();
    }

    @Test
    void aMissingOriginIsRefusedAtTheHandshake() {
        assertThat(KetangClient.handshakeStatus(app, null)).isEqualTo(403);
        assertThat(KetangClient.handshakeStatus(app, "http://localhost:" + app.getPort())).as("the control case").isEqualTo(101);
    }

    @Test
    void noHelloInTimeIsClosedWith4408() {
        try (KetangClient silent = KetangClient.connect(app)) {
            assertThat(silent.closeCode(Duration.ofSeconds(10))).isEqualTo(4408);
        }
        serverStillServes();
    }

    @Test
    void anOversizedFrameIsRefusedThenTheRepeatIsClosedWith4413() {
        String big = "{\"type\":\"hb\",\"pad\":\"" + "x".repeat(17_000) + "\"}";
        try (KetangClient client = KetangClient.connect(app)) {
            client.hello(KetangHttp.devToken(app, 85, "school", "student"), "web");
            client.send(big);
            assertThat(client.next(f -> "error".equals(f.getString("type"))).getString("code")).isEqualTo("TOO_LARGE");
            client.send(big);
            assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(4413);
        }
        serverStillServes();
    }

    @Test
    void malformedFramesAreBadFrames() {
        try (KetangClient client = KetangClient.connect(app)) {
            client.hello(KetangHttp.devToken(app, 86, "school", "student"), "web");
            for (String bad : List.of("not json", "[1,2]", "{\"type\":5}", "{\"no\":\"type\"}", "{\"type\":\"teleport\"}",
                    "{\"type\":\"join\",\"room\":\"../etc\"}", "{\"type\":\"send\",\"room\":\"r\",\"kind\":\"chat\",\"body\":[]}")) {
                client.send(bad);
                assertThat(client.next(f -> "error".equals(f.getString("type"))).getString("code"))
                        .as(bad).isEqualTo("BAD_FRAME");
            }
            client.send("{\"type\":\"hb\"}");
            assertThat(client.next(f -> true).getString("type")).isEqualTo("hb");
        }
    }

    @Test
    void framesBeforeHelloAreUnauthorized() {
        try (KetangClient client = KetangClient.connect(app)) {
            client.send("{\"type\":\"join\",\"id\":1,\"room\":\"r1\"}");
            assertThat(client.next(f -> "error".equals(f.getString("type"))).getString("code")).isEqualTo("UNAUTHORIZED");
        }
    }

    @Test
    void floodingIsRateLimitedThenClosedWith4429() {
        try (KetangClient client = KetangClient.connect(app)) {
            client.hello(KetangHttp.devToken(app, 87, "school", "student"), "web");
            floodUntilCutOff(client, "{\"type\":\"hb\"}", 100);
            JsonObject limited = client.next(f -> "error".equals(f.getString("type")));
            assertThat(limited.getString("code")).isEqualTo("RATE_LIMITED");
            assertThat(limited.getJsonNumber("retryAfterMs").longValue()).isPositive();
            assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(4429);
        }
        serverStillServes();
    }

    /**
     * Sends bursts of the frame, a second apart, until the server cuts the client off. A node that
     * ran behind lately does not call a burst flooding (it may have read a backlog at once), and
     * on a busy machine the node under test may have; the next bursts find it caught up.
     */
    private static void floodUntilCutOff(KetangClient client, String frame, int perBurst) {
        Awaitility.await("cut off for flooding").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (int i = 0; i < perBurst && !client.closed(); i++) {
                try {
                    client.send(frame);
                } catch (AssertionError sendFailed) {
                    break; // the server has closed it
                }
            }
            return client.closed();
        });
    }

    @Test
    void aClientThatRespectsRetryAfterIsNeverCutOff() {
        try (KetangClient client = KetangClient.connect(app)) {
            client.hello(KetangHttp.devToken(app, 88, "school", "student"), "web");
            int answered = 0;
            int sent = 0;
            // three bursts: each time it is told to wait, it waits exactly that long, then goes on
            for (int round = 0; round < 3; round++) {
                long retryAfter = 0;
                while (retryAfter == 0) {
                    client.send("{\"type\":\"hb\"}");
                    sent++;
                    JsonObject reply = client.next(f -> true);
                    if ("error".equals(reply.getString("type"))) {
                        assertThat(reply.getString("code")).isEqualTo("RATE_LIMITED");
                        retryAfter = reply.getJsonNumber("retryAfterMs").longValue();
                    } else {
                        answered++;
                    }
                }
                CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(retryAfter, TimeUnit.MILLISECONDS)).join();
            }
            client.send("{\"type\":\"hb\"}");
            assertThat(client.next(f -> true).getString("type")).isEqualTo("hb");
            assertThat(client.closed()).isFalse();
            assertThat(answered).isGreaterThanOrEqualTo(20).isLessThan(sent);
        }
    }

    private static JsonObject errorOrReply(KetangClient client, int id) {
        return client.next(f -> f.containsKey("id") && f.getInt("id") == id);
    }

    /** The replies to frames with ids from..to, in whatever order they come (a refusal can overtake a sent). */
    private static java.util.Map<Integer, JsonObject> replies(KetangClient client, int from, int to) {
        java.util.Map<Integer, JsonObject> replies = new java.util.HashMap<>();
        while (replies.size() < to - from + 1) {
            JsonObject reply = client.next(f -> f.containsKey("id") && f.getInt("id") >= from && f.getInt("id") <= to);
            replies.put(reply.getInt("id"), reply);
        }
        return replies;
    }

    private static String nestedBody(int depth) {
        // depth levels of objects, the body itself included
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    @Test
    void aFrameIsExactlyOneObject() {
        try (KetangClient client = KetangClient.connect(app)) {
            client.hello(KetangHttp.devToken(app, 89, "school", "student"), "web");
            for (String bad : List.of("{\"type\":\"hb\"}{\"type\":\"hb\"}", "{\"type\":\"hb\"} trailing", "{\"type\":\"hb\"}]")) {
                client.send(bad);
                // the very next frame is the refusal: nothing of it was acted on
                JsonObject reply = client.next(f -> true);
                assertThat(reply.getString("type")).as(bad).isEqualTo("error");
                assertThat(reply.getString("code")).as(bad).isEqualTo("BAD_FRAME");
            }
        }
    }

    @Test
    void deeplyNestedFramesAreAnsweredAndCountedLikeAnyOther() {
        // deeper than the parser's own default limit (1,000), and still small: the flood below must not fill the socket
        String deep = "{\"type\":\"hb\",\"x\":" + "[".repeat(1_100) + "]".repeat(1_100) + "}";
        try (KetangClient client = KetangClient.connect(app)) {
            client.hello(KetangHttp.devToken(app, 90, "school", "student"), "web");
            client.send(deep);
            assertThat(client.next(f -> "error".equals(f.getString("type"))).getString("code")).isEqualTo("BAD_FRAME");
            // a flooder keeps on regardless: 21 refusals in a row cut it off, but on a busy machine a
            // frame can arrive after the budget refilled (one every 100 ms) and start the count again,
            // so it floods until cut off, in bursts far above what any refill could absorb
            floodUntilCutOff(client, deep, 500);
            assertThat(client.next(f -> "error".equals(f.getString("type")) && "RATE_LIMITED".equals(f.getString("code"))))
                    .isNotNull();
            // cut off for flooding: 4429, or, when the close raced the flood still arriving (the server
            // closes with unread frames in its buffer, so TCP resets), a broken connection, which the
            // JDK's client reports as 1006 or as an error of its own (an IOException, or an
            // InternalError when the reset meets one of its sends); never any other close code
            String ended = client.ended(Duration.ofSeconds(10));
            assertThat(ended.equals("closed 4429") || ended.equals("closed 1006") || ended.startsWith("failed: "))
                    .as("cut off for flooding, but: %s", ended).isTrue();
        }
        serverStillServes();
    }

    @Test
    void aBodyNestedTooDeepIsRefusedUpFrontAndOneWithinTheLimitIsDelivered() {
        KetangHttp.liveRoom(app, "school", "deep-1");
        try (KetangClient student = KetangClient.inRoom(app, KetangHttp.devToken(app, 91, "school", "student"), "web", "deep-1")) {
            // 17 levels in the body make the frame 18 deep: refused as a frame, before its id is read
            student.send("{\"type\":\"send\",\"id\":5,\"room\":\"deep-1\",\"kind\":\"chat\",\"body\":" + nestedBody(17) + "}");
            assertThat(student.next(f -> "error".equals(f.getString("type"))).getString("code")).isEqualTo("BAD_FRAME");
            student.send("{\"type\":\"send\",\"id\":6,\"room\":\"deep-1\",\"kind\":\"chat\",\"body\":" + nestedBody(16) + "}");
            assertThat(errorOrReply(student, 6).getString("type")).isEqualTo("sent");
            // what was answered sent is delivered, the sender's own socket included
            JsonObject batch = student.next(f -> "batch".equals(f.getString("type")));
            assertThat(batch.getJsonArray("items").getJsonObject(0).getJsonObject("body").toString()).isEqualTo(nestedBody(16));
        }
    }

    @Test
    void numbersOutOfRangeAreBadFrames() {
        KetangHttp.liveRoom(app, "school", "range-1");
        try (KetangClient student = KetangClient.inRoom(app, KetangHttp.devToken(app, 92, "school", "student"), "web", "range-1")) {
            for (String bad : List.of("{\"type\":\"ack\",\"id\":7,\"room\":\"range-1\",\"seq\":-1}",
                    "{\"type\":\"pull\",\"id\":7,\"room\":\"range-1\",\"after\":18446744073709551617}",
                    "{\"type\":\"pull\",\"id\":7,\"room\":\"range-1\",\"after\":0,\"limit\":0}",
                    "{\"type\":\"members\",\"id\":7,\"room\":\"range-1\",\"after\":1.5}",
                    "{\"type\":\"join\",\"id\":7,\"room\":\"range-1\",\"since\":{\"seq\":-5}}",
                    "{\"type\":\"join\",\"id\":7,\"room\":\"range-1\",\"since\":41}")) {
                student.send(bad);
                JsonObject reply = errorOrReply(student, 7);
                assertThat(reply.getString("code", reply.getString("type"))).as(bad).isEqualTo("BAD_FRAME");
            }
            student.send("{\"type\":\"hb\",\"id\":18446744073709551617}");
            assertThat(student.next(f -> "error".equals(f.getString("type"))).getString("code")).isEqualTo("BAD_FRAME");
            // the control case: in range, the same frame is served
            student.send("{\"type\":\"ack\",\"id\":8,\"room\":\"range-1\",\"seq\":0}");
            assertThat(errorOrReply(student, 8).getString("type")).isEqualTo("ack");
        }
    }

    @Test
    void theChatBudgetIsNotRefilledByReconnecting() {
        KetangHttp.liveRoom(app, "school", "budget-1");
        String token = KetangHttp.devToken(app, 93, "school", "student");
        int admitted = 0;
        long start = System.nanoTime();
        // three connections one after the other, each sending the whole burst (10 on the test server) at once
        for (String terminal : List.of("web", "app", "pc")) {
            try (KetangClient student = KetangClient.inRoom(app, token, terminal, "budget-1")) {
                for (int i = 1; i <= 10; i++) {
                    student.send("{\"type\":\"send\",\"id\":" + i + ",\"room\":\"budget-1\",\"kind\":\"chat\",\"body\":{\"text\":\"hi\"}}");
                }
                for (JsonObject reply : replies(student, 1, 10).values()) {
                    if ("sent".equals(reply.getString("type"))) {
                        admitted++;
                    } else {
                        assertThat(reply.getString("code")).isEqualTo("RATE_LIMITED");
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // one budget of 10 a second with a burst of 10, however often the user reconnects
        assertThat(admitted).as("admitted in %.2f s", seconds).isLessThanOrEqualTo(10 + (int) Math.ceil(10 * seconds) + 1);
    }

    @Test
    void aPullCarriesAtMostItsBytesAndPaysForThem() {
        KetangHttp.liveRoom(app, "school", "pull-1");
        String pad = "x".repeat(8_000);
        try (KetangClient teacher = KetangClient.inRoom(app, KetangHttp.devToken(app, 94, "school", "teacher"), "pc", "pull-1")) {
            for (int i = 1; i <= 20; i++) {
                teacher.send("{\"type\":\"send\",\"id\":" + i + ",\"room\":\"pull-1\",\"kind\":\"signal\",\"body\":{\"pad\":\"" + pad + "\"}}");
            }
            assertThat(replies(teacher, 1, 20).values()).allSatisfy(reply -> assertThat(reply.getString("type")).isEqualTo("sent"));
        }
        try (KetangClient student = KetangClient.inRoom(app, KetangHttp.devToken(app, 95, "school", "student"), "web", "pull-1")) {
            student.send("{\"type\":\"pull\",\"id\":100,\"room\":\"pull-1\",\"after\":0,\"limit\":500}");
            JsonObject pulled = errorOrReply(student, 100);
            assertThat(pulled.getString("type")).isEqualTo("pulled");
            // 64 KiB of messages at most (the server's default), so 8 of these; the rest is announced
            assertThat(pulled.getJsonArray("msgs")).hasSizeBetween(1, 8);
            assertThat(pulled.getJsonArray("msgs").toString().length()).isLessThanOrEqualTo(65_536 + 1_000);
            assertThat(pulled.getBoolean("more")).isTrue();
            assertThat(pulled.getBoolean("recovered")).isTrue();
            // each such reply costs four frames' worth of the budget: a burst of 20 is gone within a few
            boolean refused = false;
            for (int i = 101; i < 109 && !refused; i++) {
                student.send("{\"type\":\"pull\",\"id\":" + i + ",\"room\":\"pull-1\",\"after\":0,\"limit\":500}");
                JsonObject reply = errorOrReply(student, i);
                refused = "RATE_LIMITED".equals(reply.getString("code", ""));
            }
            assertThat(refused).as("a pull of 64 KiB is charged by its size").isTrue();
        }
    }
}
