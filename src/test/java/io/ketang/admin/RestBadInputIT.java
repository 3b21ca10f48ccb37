package io.ketang.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.KetangHttp.Reply;

/**
 * The REST API as a careless or hostile business backend would call it: every refusal is a 4xx
 * with a JSON {@code {"code","message"}} body that says nothing of the server's insides, and a
 * business never reads or writes anything of another's rooms.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestBadInputIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI app;
    String acme;
    String other;

    @BeforeEach
    void setUp() throws Exception {
        app = base.toURI();
        KetangHttp.awaitReady(app);
        acme = KetangHttp.serviceToken(app, "acme-rest");
        other = KetangHttp.serviceToken(app, "other-rest");
    }

    private static void refused(Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonObject body = reply.json();
        assertThat(body.getString("code")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank().doesNotContain("Exception").doesNotContain("jakarta.");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anotherBusinessesRoomIsNotFoundForEveryCallAboutARoom() {
        KetangHttp.liveRoom(app, "acme-rest", "t-room");
        refused(KetangHttp.get(app, "/api/v1/rooms/t-room/members", other), 404, "NO_SUCH_ROOM");
        refused(KetangHttp.get(app, "/api/v1/rooms/t-room/counts", other), 404, "NO_SUCH_ROOM");
        refused(KetangHttp.get(app, "/api/v1/mutes/rooms/t-room", other), 404, "NO_SUCH_ROOM");
        refused(KetangHttp.put(app, "/api/v1/mutes/rooms/t-room", "{\"muted\":true}", other), 404, "NO_SUCH_ROOM");
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"t-room\",\"kind\":\"x\",\"priority\":\"important\"}", other),
                404, "NO_SUCH_ROOM");
        refused(KetangHttp.postJson(app, "/api/v1/heartbeats", "[{\"room\":\"t-room\",\"uin\":5,\"terminal\":\"web\"}]", other),
                404, "NO_SUCH_ROOM");
        // the owner's view is untouched: not muted, and the control case answers 200
        Reply own = KetangHttp.get(app, "/api/v1/mutes/rooms/t-room", acme);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().getBoolean("muted")).isFalse();
        assertThat(KetangHttp.get(app, "/api/v1/rooms/t-room/counts", acme).status()).isEqualTo(200);
    }

    @Test
    void aPushToARoomNobodyCreatedLeavesNoSeqBehind() {
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"invented-1\",\"kind\":\"x\",\"priority\":\"important\"}", acme),
                404, "NO_SUCH_ROOM");
        // the room created afterwards starts at seq 0: the refused push took none
        KetangHttp.liveRoom(app, "acme-rest", "invented-1");
        try (KetangClient student = KetangClient.connect(app)) {
            student.hello(KetangHttp.devToken(app, 31, "acme-rest", "student"), "web");
            assertThat(student.join("invented-1", 1).getJsonNumber("seq").longValue()).isZero();
        }
        Reply pushed = KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"invented-1\",\"kind\":\"x\",\"priority\":\"important\"}", acme);
        assertThat(pushed.status()).isEqualTo(202);
        assertThat(pushed.json().getJsonNumber("seq").longValue()).isEqualTo(1);
        // an ended room takes no more pushes
        KetangHttp.postJson(app, "/api/v1/rooms/invented-1/close", "", acme);
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"invented-1\",\"kind\":\"x\",\"priority\":\"important\"}", acme),
                409, "ROOM_CLOSED");
    }

    @Test
    void bodiesOverTheLimitAre413BeforeAnythingReadsThem() throws Exception {
        KetangHttp.liveRoom(app, "acme-rest", "big-1");
        String big = "{\"room\":\"big-1\",\"kind\":\"x\",\"body\":{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}}";
        for (String path : List.of("/api/v1/push", "/api/v1/rooms", "/api/v1/heartbeats")) {
            refused(KetangHttp.postJson(app, path, big, acme), 413, "TOO_LARGE");
        }
        refused(KetangHttp.put(app, "/api/v1/mutes/business", big, acme), 413, "TOO_LARGE");
        // without a Content-Length (chunked), the read stops at the limit
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(app.resolve("/api/v1/push"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + acme)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));
        refused(new Reply(chunked.statusCode(), chunked.body()), 413, "TOO_LARGE");
        // a message body over 16 KiB inside a small request is too large as a message
        String signal = "{\"room\":\"big-1\",\"kind\":\"x\",\"priority\":\"important\",\"body\":{\"pad\":\"" + "x".repeat(17_000) + "\"}}";
        refused(KetangHttp.postJson(app, "/api/v1/push", signal, acme), 413, "TOO_LARGE");
    }

    @Test
    void malformedJsonIsA400WithABodyAndNoInternalsInTheHeaders() throws Exception {
        for (String path : List.of("/api/v1/rooms", "/api/v1/push", "/api/v1/heartbeats")) {
            HttpResponse<String> reply = send(HttpRequest.newBuilder(app.resolve(path))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + acme)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\": oops")));
            refused(new Reply(reply.statusCode(), reply.body()), 400, "BAD_REQUEST");
            reply.headers().map().forEach((name, values) -> assertThat(String.join(",", values)).as(path + " header " + name)
                    .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("jsonb"));
        }
        refused(KetangHttp.put(app, "/api/v1/mutes/business", "{\"muted\": tru", acme), 400, "BAD_REQUEST");
        // well-formed JSON of the wrong shape
        refused(KetangHttp.postJson(app, "/api/v1/push", "[]", acme), 400, "BAD_REQUEST");
        refused(KetangHttp.postJson(app, "/api/v1/heartbeats", "{}", acme), 400, "BAD_REQUEST");
        refused(KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"shape-1\",\"title\":\"t\",\"teacherUin\":\"one\"}", acme),
                400, "BAD_REQUEST");
    }

    @Test
    void badValuesAre400s() {
        KetangHttp.liveRoom(app, "acme-rest", "vals-1");
        refused(KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"nul-1\",\"title\":\"a\\u0000b\",\"teacherUin\":1}", acme),
                400, "BAD_REQUEST");
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"vals-1\",\"kind\":\"x\",\"target\":{\"type\":\"users\",\"uins\":[\"a\"]}}",
                acme), 400, "BAD_REQUEST");
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"vals-1\",\"kind\":\"x\",\"target\":{\"type\":\"users\",\"uins\":[null]}}",
                acme), 400, "BAD_REQUEST");
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"vals-1\",\"kind\":\"x\",\"priority\":\"urgent\"}", acme),
                400, "BAD_REQUEST");
        String deep = "{\"a\":".repeat(20) + "{}" + "}".repeat(20);
        refused(KetangHttp.postJson(app, "/api/v1/push", "{\"room\":\"vals-1\",\"kind\":\"x\",\"body\":" + deep + "}", acme),
                400, "BAD_REQUEST");
        for (String query : List.of("limit=abc", "limit=99999999999", "limit=0", "limit=1.5")) {
            refused(KetangHttp.get(app, "/api/v1/rooms?" + query, acme), 400, "BAD_REQUEST");
        }
        refused(KetangHttp.get(app, "/api/v1/rooms/vals-1/members?after=x", acme), 400, "BAD_REQUEST");
        assertThat(KetangHttp.get(app, "/api/v1/rooms?limit=5", acme).status()).as("the control case").isEqualTo(200);
        // a path nobody serves is a 404 with a JSON body too
        refused(KetangHttp.get(app, "/api/v1/nothing-here", acme), 404, "NOT_FOUND");
    }

    @Test
    void onlyJsonBooleansMuteOrUnmute() {
        KetangHttp.liveRoom(app, "acme-rest", "mute-x");
        assertThat(KetangHttp.put(app, "/api/v1/mutes/rooms/mute-x", "{\"muted\":true}", acme).json().getBoolean("muted")).isTrue();
        for (String bad : List.of("{\"muted\":\"yes\"}", "{\"muted\":1}", "{\"muted\":\"false\"}", "{\"muted\":null}", "[]")) {
            refused(KetangHttp.put(app, "/api/v1/mutes/rooms/mute-x", bad, acme), 400, "BAD_REQUEST");
            refused(KetangHttp.put(app, "/api/v1/mutes/business", bad, acme), 400, "BAD_REQUEST");
        }
        // nothing changed: still muted by the admin
        JsonObject state = KetangHttp.get(app, "/api/v1/mutes/rooms/mute-x", acme).json();
        assertThat(state.getBoolean("muted")).isTrue();
        assertThat(state.getString("reason")).isEqualTo("admin");
        assertThat(KetangHttp.put(app, "/api/v1/mutes/rooms/mute-x", "{\"muted\":false}", acme).json().getBoolean("muted")).isFalse();
    }
}
