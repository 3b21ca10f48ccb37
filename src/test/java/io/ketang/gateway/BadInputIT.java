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
            for (int i = 0; i < 100; i++) {
                client.send("{\"type\":\"hb\"}");
            }
            JsonObject limited = client.next(f -> "error".equals(f.getString("type")));
            assertThat(limited.getString("code")).isEqualTo("RATE_LIMITED");
            assertThat(limited.getJsonNumber("retryAfterMs").longValue()).isPositive();
            assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(4429);
        }
        serverStillServes();
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
}
