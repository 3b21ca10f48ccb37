package io.ketang.testing;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.JsonObject;

/** Plain HTTP calls a test makes against a running Ketang. */
public final class KetangHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KetangHttp() {
    }

    public record Reply(int status, String body) {
        public JsonObject json() {
            return parse(body);
        }

        public static JsonObject parse(String json) {
            return JSON.createReader(new StringReader(json)).readObject();
        }
    }

    public static Reply get(URI base, String path) {
        return call(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public static Reply postJson(URI base, String path, String json) {
        return call(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A client token from the dev token endpoint (enabled for the test server). */
    public static String devToken(URI base, long uin, String bid, String role) {
        Reply reply = postJson(base, "/api/dev/tokens",
                "{\"uin\":" + uin + ",\"bid\":\"" + bid + "\",\"role\":\"" + role + "\"}");
        if (reply.status() != 200) {
            throw new AssertionError("dev token: HTTP " + reply.status() + " " + reply.body());
        }
        return reply.json().getString("token");
    }

    /** Waits until the node reports ready: schema migrated, topics there, Redis answering. */
    public static void awaitReady(URI base) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> get(base, "/health/ready").status() == 200);
    }

    /** A service token of the business, for the REST API. */
    public static String serviceToken(URI base, String bid) {
        return devToken(base, 900, bid, "service");
    }

    public static Reply postJson(URI base, String path, String json, String bearer) {
        return call(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static Reply put(URI base, String path, String json, String bearer) {
        return call(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer)
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static Reply get(URI base, String path, String bearer) {
        return call(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + bearer).GET());
    }

    /** Creates a room of the business through the REST API and opens it. */
    public static void liveRoom(URI base, String bid, String room) {
        String service = serviceToken(base, bid);
        Reply created = postJson(base, "/api/v1/rooms",
                "{\"room\":\"" + room + "\",\"title\":\"Room " + room + "\",\"teacherUin\":1}", service);
        if (created.status() != 201) {
            throw new AssertionError("create room: HTTP " + created.status() + " " + created.body());
        }
        Reply opened = postJson(base, "/api/v1/rooms/" + room + "/open", "", service);
        if (opened.status() != 200) {
            throw new AssertionError("open room: HTTP " + opened.status() + " " + opened.body());
        }
    }

    private static Reply call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
