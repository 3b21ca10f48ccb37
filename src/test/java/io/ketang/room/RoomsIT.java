package io.ketang.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;

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

/** Rooms through the REST API, and what their lifecycle and rights mean to clients on the socket. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RoomsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI app;
    String service;

    @BeforeEach
    void setUp() throws Exception {
        app = base.toURI();
        KetangHttp.awaitReady(app);
        service = KetangHttp.serviceToken(app, "acme");
    }

    private JsonObject error(KetangClient client) {
        return client.next(f -> "error".equals(f.getString("type")));
    }

    @Test
    void aRoomIsCreatedReadListedOpenedAndClosedThroughTheApi() {
        Reply created = KetangHttp.postJson(app, "/api/v1/rooms",
                "{\"room\":\"bio-1\",\"title\":\"Biology\",\"teacherUin\":7,\"groupSize\":6,\"chatMode\":\"group\"}", service);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getString("status")).isEqualTo("created");
        assertThat(created.json().getInt("groupSize")).isEqualTo(6);

        assertThat(KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"bio-1\",\"title\":\"Again\",\"teacherUin\":7}", service)
                .status()).isEqualTo(409);
        assertThat(KetangHttp.get(app, "/api/v1/rooms/bio-1", service).json().getString("title")).isEqualTo("Biology");

        Reply opened = KetangHttp.postJson(app, "/api/v1/rooms/bio-1/open", "", service);
        assertThat(opened.json().getString("status")).isEqualTo("live");
        assertThat(KetangHttp.get(app, "/api/v1/rooms?status=live", service).json().getJsonArray("rooms")
                .getValuesAs(JsonObject.class)).extracting(r -> r.getString("room")).contains("bio-1");

        // the API describes itself
        assertThat(KetangHttp.get(app, "/openapi").body()).contains("/api/v1/rooms/{room}/close");

        Reply closed = KetangHttp.postJson(app, "/api/v1/rooms/bio-1/close", "", service);
        assertThat(closed.json().getString("status")).isEqualTo("ended");
        assertThat(KetangHttp.postJson(app, "/api/v1/rooms/bio-1/open", "", service).status()).isEqualTo(409);
    }

    @Test
    void theApiRefusesMissingForeignAndClientTokensAndBadInput() {
        assertThat(KetangHttp.get(app, "/api/v1/rooms").status()).isEqualTo(401);
        assertThat(KetangHttp.get(app, "/api/v1/rooms", "garbage").status()).isEqualTo(401);
        assertThat(KetangHttp.get(app, "/api/v1/rooms", KetangHttp.devToken(app, 5, "acme", "teacher")).status()).isEqualTo(403);
        KetangHttp.liveRoom(app, "acme", "acme-only");
        // another business sees no such room
        assertThat(KetangHttp.get(app, "/api/v1/rooms/acme-only", KetangHttp.serviceToken(app, "other")).status()).isEqualTo(404);
        Reply bad = KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"x y\",\"title\":\"t\",\"teacherUin\":1}", service);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("code")).isEqualTo("BAD_REQUEST");
        assertThat(KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"ok\",\"title\":\"\",\"teacherUin\":1}", service).status())
                .isEqualTo(400);
    }

    @Test
    void joiningChecksTheRoomTheBusinessAndTheToken() {
        KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"not-yet\",\"title\":\"Later\",\"teacherUin\":1}", service);
        KetangHttp.liveRoom(app, "acme", "chem-1");
        KetangHttp.liveRoom(app, "other", "other-room");
        try (KetangClient student = KetangClient.connect(app)) {
            student.hello(KetangHttp.devToken(app, 301, "acme", "student"), "app");
            assertThat(student.join("nowhere", 1).getString("code")).isEqualTo("NO_SUCH_ROOM");
            assertThat(student.join("not-yet", 2).getString("code")).isEqualTo("ROOM_CLOSED");
            // another business's room does not exist for this student
            assertThat(student.join("other-room", 3).getString("code")).isEqualTo("NO_SUCH_ROOM");
            JsonObject joined = student.join("chem-1", 4);
            assertThat(joined.getString("type")).isEqualTo("joined");
            assertThat(joined.getString("title")).isEqualTo("Room chem-1");
            assertThat(joined.getString("status")).isEqualTo("live");
        }
        // a token limited to some rooms cannot enter others
        String limited = KetangHttp.postJson(app, "/api/dev/tokens",
                "{\"uin\":302,\"bid\":\"acme\",\"role\":\"student\",\"rooms\":[\"bio-9\"]}").json().getString("token");
        try (KetangClient student = KetangClient.connect(app)) {
            student.hello(limited, "web");
            assertThat(student.join("chem-1", 1).getString("code")).isEqualTo("FORBIDDEN");
        }
    }

    @Test
    void studentsCannotSendStaffKindsAndObserversSendNothing() {
        KetangHttp.liveRoom(app, "acme", "phys-1");
        try (KetangClient student = KetangClient.connect(app); KetangClient observer = KetangClient.connect(app)) {
            student.hello(KetangHttp.devToken(app, 401, "acme", "student"), "app");
            observer.hello(KetangHttp.devToken(app, 402, "acme", "observer"), "pc");
            student.join("phys-1", 1);
            observer.join("phys-1", 1);
            for (String kind : new String[] {"quiz.start", "signal", "mute", "kick", "signin.start", "redpacket.send"}) {
                student.send("{\"type\":\"send\",\"id\":2,\"room\":\"phys-1\",\"kind\":\"" + kind + "\",\"body\":{}}");
                assertThat(error(student).getString("code")).as(kind).isEqualTo("FORBIDDEN");
            }
            observer.send("{\"type\":\"send\",\"id\":3,\"room\":\"phys-1\",\"kind\":\"chat\",\"body\":{\"text\":\"hi\"}}");
            assertThat(error(observer).getString("code")).isEqualTo("FORBIDDEN");
            student.send("{\"type\":\"send\",\"id\":4,\"room\":\"phys-1\",\"kind\":\"flower\",\"body\":{}}");
            JsonObject sent = student.next(f -> "sent".equals(f.getString("type")));
            assertThat(sent.getInt("id")).isEqualTo(4);
            assertThat(sent.getJsonObject("result").getInt("total")).isEqualTo(1);
            // and everyone in the room, the observer too, receives the room's flower total, merged into a batch
            JsonObject batch = observer.next(f -> "batch".equals(f.getString("type")));
            assertThat(batch.getJsonArray("items").getJsonObject(0).getString("kind")).isEqualTo("flowers");
            assertThat(batch.getJsonArray("items").getJsonObject(0).getJsonObject("body").getInt("total")).isEqualTo(1);
        }
    }

    @Test
    void closingARoomTellsAndRemovesEveryoneAndNobodyRejoins() {
        KetangHttp.liveRoom(app, "acme", "geo-1");
        try (KetangClient teacher = KetangClient.connect(app); KetangClient student = KetangClient.connect(app)) {
            teacher.hello(KetangHttp.devToken(app, 501, "acme", "teacher"), "pc");
            student.hello(KetangHttp.devToken(app, 502, "acme", "student"), "app");
            teacher.join("geo-1", 1);
            student.join("geo-1", 1);

            assertThat(KetangHttp.postJson(app, "/api/v1/rooms/geo-1/close", "", service).status()).isEqualTo(200);
            JsonObject kicked = student.next(f -> "kicked".equals(f.getString("type")));
            assertThat(kicked.getString("room")).isEqualTo("geo-1");
            assertThat(kicked.getString("reason")).isEqualTo("closed");
            teacher.next(f -> "kicked".equals(f.getString("type")));

            // removed: sending to it is NOT_IN_ROOM, and joining again is ROOM_CLOSED
            student.send("{\"type\":\"send\",\"id\":2,\"room\":\"geo-1\",\"kind\":\"chat\",\"body\":{\"text\":\"hello?\"}}");
            assertThat(error(student).getString("code")).isEqualTo("NOT_IN_ROOM");
            assertThat(student.join("geo-1", 3).getString("code")).isEqualTo("ROOM_CLOSED");
        }
    }

    @Test
    void aKickedStudentIsRemovedAndCannotRejoinForTheBanPeriod() {
        KetangHttp.liveRoom(app, "acme", "lit-1");
        try (KetangClient teacher = KetangClient.connect(app); KetangClient student = KetangClient.connect(app);
             KetangClient other = KetangClient.connect(app)) {
            teacher.hello(KetangHttp.devToken(app, 601, "acme", "teacher"), "pc");
            student.hello(KetangHttp.devToken(app, 602, "acme", "student"), "app");
            other.hello(KetangHttp.devToken(app, 603, "acme", "student"), "web");
            teacher.join("lit-1", 1);
            student.join("lit-1", 1);
            other.join("lit-1", 1);

            teacher.send("{\"type\":\"send\",\"id\":2,\"room\":\"lit-1\",\"kind\":\"kick\",\"body\":{\"uin\":602}}");
            long seq = teacher.next(f -> "sent".equals(f.getString("type")) && f.getInt("id") == 2).getJsonNumber("seq").longValue();
            assertThat(student.next(f -> "kicked".equals(f.getString("type"))).getString("reason")).isEqualTo("kicked");
            // the room hears of it as an important message, in order, with the seq the kicker was told
            JsonObject told = other.next(f -> "msg".equals(f.getString("type")));
            assertThat(told.getString("kind")).isEqualTo("kick");
            assertThat(told.getJsonNumber("seq").longValue()).isEqualTo(seq);
            assertThat(told.getJsonObject("body").getJsonNumber("uin").longValue()).isEqualTo(602);

            JsonObject refused = student.join("lit-1", 3);
            assertThat(refused.getString("code")).isEqualTo("FORBIDDEN");
            assertThat(refused.getJsonNumber("retryAfterMs").longValue()).isPositive();

            // the others stay: a message still reaches the other student
            teacher.send("{\"type\":\"send\",\"id\":4,\"room\":\"lit-1\",\"kind\":\"signal\",\"body\":{\"page\":2}}");
            assertThat(other.next(f -> "msg".equals(f.getString("type"))).getJsonObject("body").getInt("page")).isEqualTo(2);
        }
    }
}
