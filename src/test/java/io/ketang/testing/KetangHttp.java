package io.ketang.testing;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** Plain HTTP calls a test makes against a running Ketang. */
public final class KetangHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KetangHttp() {
    }

    public record Reply(int status, String body) {
        public JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
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
