package io.ketang.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.SecondNode;

/**
 * Pushes from a business backend reach exactly the sockets their target names, on both nodes:
 * a role, a terminal type, a small-class group, a list of users, the whole room (with a seq), and
 * users outside any room.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TargetsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    private KetangClient enter(URI node, URI tokens, long uin, String role, String terminal, String room) {
        KetangClient client = KetangClient.connect(node);
        client.hello(KetangHttp.devToken(tokens, uin, "tgt", role), terminal);
        if (room != null) {
            assertThat(client.join(room, 1).getString("type")).isEqualTo("joined");
        }
        return client;
    }

    /** The kinds of the messages a client got before the room-wide marker with the given seq. */
    private static List<String> kindsUntilMarker(KetangClient client) {
        List<String> kinds = new ArrayList<>();
        while (true) {
            JsonObject msg = client.next(f -> "msg".equals(f.getString("type")), Duration.ofSeconds(20));
            if ("marker".equals(msg.getString("kind"))) {
                return kinds;
            }
            kinds.add(msg.getString("kind"));
        }
    }

    @Test
    void eachTargetReachesExactlyItsSocketsAcrossTwoNodes() throws Exception {
        URI nodeA = base.toURI();
        KetangHttp.awaitReady(nodeA);
        String service = KetangHttp.serviceToken(nodeA, "tgt");
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/rooms", "{\"room\":\"t-1\",\"title\":\"T\",\"teacherUin\":1,\"groupSize\":2}",
                service).status()).isEqualTo(201);
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/rooms/t-1/open", "", service).status()).isEqualTo(200);

        try (SecondNode second = SecondNode.start()) {
            URI nodeB = second.uri();
            Map<String, KetangClient> people = new LinkedHashMap<>();
            try {
                people.put("teacher", enter(nodeA, nodeA, 1, "teacher", "pc", "t-1"));
                people.put("s1", enter(nodeA, nodeA, 11, "student", "app", "t-1"));   // g1
                people.put("s2", enter(nodeB, nodeA, 12, "student", "web", "t-1"));   // g1
                people.put("s3", enter(nodeB, nodeA, 13, "student", "app", "t-1"));   // g2
                people.put("assistant", enter(nodeB, nodeA, 2, "assistant", "web", "t-1"));
                KetangClient outside = enter(nodeB, nodeA, 99, "student", "app", null);

                push(nodeA, service, "{\"room\":\"t-1\",\"target\":{\"type\":\"role\",\"role\":\"student\"},\"kind\":\"to-students\"}");
                push(nodeB, service, "{\"room\":\"t-1\",\"target\":{\"type\":\"terminal\",\"terminal\":\"app\"},\"kind\":\"to-app\"}");
                push(nodeA, service, "{\"room\":\"t-1\",\"target\":{\"type\":\"group\",\"group\":\"g2\"},\"kind\":\"to-g2\"}");
                push(nodeB, service, "{\"room\":\"t-1\",\"target\":{\"type\":\"users\",\"uins\":[12,2]},\"kind\":\"to-users\"}");
                KetangHttp.Reply marker = KetangHttp.postJson(nodeA, "/api/v1/push",
                        "{\"room\":\"t-1\",\"priority\":\"important\",\"kind\":\"marker\",\"body\":{\"end\":true}}", service);
                assertThat(marker.status()).isEqualTo(202);
                assertThat(marker.json().getJsonNumber("seq").longValue()).isPositive();

                assertThat(kindsUntilMarker(people.get("teacher"))).isEmpty();
                assertThat(kindsUntilMarker(people.get("s1"))).containsExactly("to-students", "to-app");
                assertThat(kindsUntilMarker(people.get("s2"))).containsExactly("to-students", "to-users");
                assertThat(kindsUntilMarker(people.get("s3"))).containsExactly("to-students", "to-app", "to-g2");
                assertThat(kindsUntilMarker(people.get("assistant"))).containsExactly("to-users");

                // a user in no room at all, on the other node
                assertThat(KetangHttp.postJson(nodeA, "/api/v1/push",
                        "{\"target\":{\"type\":\"users\",\"uins\":[99]},\"kind\":\"direct\",\"body\":{\"hello\":1}}", service)
                        .status()).isEqualTo(202);
                JsonObject direct = outside.next(f -> "msg".equals(f.getString("type")), Duration.ofSeconds(20));
                assertThat(direct.getString("kind")).isEqualTo("direct");
                assertThat(direct.getJsonObject("body").getInt("hello")).isEqualTo(1);
                outside.close();

                // refusals
                assertThat(KetangHttp.postJson(nodeA, "/api/v1/push", "{\"room\":\"t-1\",\"kind\":\"x\",\"target\":{\"type\":\"role\"}}",
                        service).status()).isEqualTo(400);
                assertThat(KetangHttp.postJson(nodeA, "/api/v1/push", "{\"kind\":\"x\",\"target\":{\"type\":\"room\"}}",
                        service).status()).isEqualTo(400);
                assertThat(KetangHttp.postJson(nodeA, "/api/v1/push", "{\"room\":\"t-1\",\"kind\":\"x\"}",
                        KetangHttp.devToken(nodeA, 5, "tgt", "teacher")).status()).isEqualTo(403);
            } finally {
                people.values().forEach(KetangClient::close);
            }
        }
    }

    private static void push(URI node, String service, String json) {
        KetangHttp.Reply reply = KetangHttp.postJson(node, "/api/v1/push", json, service);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    }
}
