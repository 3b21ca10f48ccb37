package io.ketang.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;

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

/**
 * The classroom as one teacher and a few students use it: bad attempts are refused with clear
 * errors and change nothing, chat modes reach exactly the right sockets, and a joining client
 * gets the class's state.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClassroomIT {

    static final String BID = "clsx";

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
        service = KetangHttp.serviceToken(app, BID);
    }

    private KetangClient enter(long uin, String role, String room) {
        return KetangClient.inRoom(app, KetangHttp.devToken(app, uin, BID, role), "student".equals(role) ? "app" : "pc", room);
    }

    private static JsonObject act(KetangClient client, String room, int id, String kind, String body) {
        client.send("{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + room + "\",\"kind\":\"" + kind + "\",\"body\":" + body + "}");
        return client.next(f -> f.containsKey("id") && f.getInt("id") == id, Duration.ofSeconds(20));
    }

    private static String code(JsonObject reply) {
        return reply.getString("code", reply.getString("type"));
    }

    @Test
    void badAttemptsAreRefusedClearlyAndCountNothing() {
        KetangHttp.liveRoom(app, BID, "bad-cls");
        try (KetangClient teacher = enter(1, "teacher", "bad-cls"); KetangClient student = enter(2, "student", "bad-cls")) {
            // nothing open yet
            assertThat(code(act(student, "bad-cls", 1, "signin", "{}"))).isEqualTo("NOT_OPEN");
            assertThat(code(act(student, "bad-cls", 2, "answer", "{\"choice\":\"A\"}"))).isEqualTo("NOT_OPEN");
            assertThat(code(act(student, "bad-cls", 3, "redpacket.grab", "{\"id\":999}"))).isEqualTo("GONE");
            // a student cannot run the class
            for (String kind : new String[] {"signin.start", "quiz.start", "quiz.end", "redpacket.send", "hand.accept", "hand.clear"}) {
                assertThat(code(act(student, "bad-cls", 4, kind, "{}"))).as(kind).isEqualTo("FORBIDDEN");
            }
            // staff's bad bodies
            assertThat(code(act(teacher, "bad-cls", 5, "quiz.start", "{\"options\":[\"A\"]}"))).isEqualTo("BAD_FRAME");
            assertThat(code(act(teacher, "bad-cls", 6, "quiz.start", "{\"options\":[\"A\",\"A\"]}"))).isEqualTo("BAD_FRAME");
            assertThat(code(act(teacher, "bad-cls", 7, "quiz.start", "{\"options\":[\"A\",\"B\"],\"correct\":\"C\"}"))).isEqualTo("BAD_FRAME");
            assertThat(code(act(teacher, "bad-cls", 8, "redpacket.send", "{\"count\":10,\"totalCents\":9}"))).isEqualTo("BAD_FRAME");
            assertThat(code(act(teacher, "bad-cls", 9, "signin.start", "{\"durationSec\":-5}"))).isEqualTo("BAD_FRAME");

            // a quiz: a forged choice counts nothing, an answer is final, a closed quiz takes none
            assertThat(code(act(teacher, "bad-cls", 10, "quiz.start", "{\"options\":[\"A\",\"B\"],\"durationSec\":60}"))).isEqualTo("sent");
            assertThat(code(act(teacher, "bad-cls", 11, "quiz.start", "{\"options\":[\"A\",\"B\"]}"))).isEqualTo("CONFLICT");
            assertThat(code(act(student, "bad-cls", 12, "answer", "{\"choice\":\"Z\"}"))).isEqualTo("BAD_FRAME");
            assertThat(code(act(student, "bad-cls", 13, "answer", "{\"choice\":\"A\"}"))).isEqualTo("sent");
            JsonObject again = act(student, "bad-cls", 14, "answer", "{\"choice\":\"B\"}");
            assertThat(code(again)).isEqualTo("ALREADY_DONE");
            assertThat(again.getJsonObject("result").getString("choice")).isEqualTo("A");
            JsonObject result = act(teacher, "bad-cls", 15, "quiz.end", "{}").getJsonObject("result");
            assertThat(result.getInt("answered")).isEqualTo(1);
            assertThat(result.getJsonObject("counts").getInt("A")).isEqualTo(1);
            assertThat(result.getJsonObject("counts").getInt("B")).isZero();
            assertThat(code(act(student, "bad-cls", 16, "answer", "{\"choice\":\"B\"}"))).isEqualTo("NOT_OPEN");
            assertThat(code(act(teacher, "bad-cls", 17, "quiz.end", "{}"))).isEqualTo("NOT_OPEN");

            // a packet past its time: nothing to grab
            long packet = act(teacher, "bad-cls", 18, "redpacket.send", "{\"count\":2,\"totalCents\":2,\"durationSec\":1}")
                    .getJsonObject("result").getJsonNumber("id").longValue();
            teacher.next(f -> "redpacket.end".equals(f.getString("kind", "")), Duration.ofSeconds(20));
            assertThat(code(act(student, "bad-cls", 19, "redpacket.grab", "{\"id\":" + packet + "}"))).isEqualTo("GONE");
            JsonObject ledger = KetangHttp.get(app, "/api/v1/rooms/bad-cls/redpackets", service).json();
            JsonObject settled = ledger.getJsonArray("redpackets").getJsonObject(0);
            assertThat(settled.getInt("unclaimed")).isEqualTo(2);
            assertThat(settled.getJsonNumber("unclaimedCents").longValue()).isEqualTo(2);
        }
    }

    @Test
    void chatModesReachExactlyTheRightSocketsAndAreAudited() {
        KetangHttp.postJson(app, "/api/v1/rooms", "{\"room\":\"modes\",\"title\":\"Modes\",\"teacherUin\":1,\"groupSize\":2}", service);
        KetangHttp.postJson(app, "/api/v1/rooms/modes/open", "", service);
        try (KetangClient teacher = enter(1, "teacher", "modes"); KetangClient s1 = enter(11, "student", "modes");
             KetangClient s2 = enter(12, "student", "modes"); KetangClient s3 = enter(13, "student", "modes")) {
            // staff-only: students' chat is refused, the teacher's goes out
            assertThat(KetangHttp.put(app, "/api/v1/rooms/modes/chat-mode", "{\"chatMode\":\"staff-only\"}", service).status()).isEqualTo(200);
            assertThat(s1.next(f -> "chat.mode".equals(f.getString("kind", ""))).getJsonObject("body").getString("chatMode"))
                    .isEqualTo("staff-only");
            assertThat(code(act(s1, "modes", 1, "chat", "{\"text\":\"hi\"}"))).isEqualTo("FORBIDDEN");
            assertThat(code(act(teacher, "modes", 2, "chat", "{\"text\":\"quiet please\"}"))).isEqualTo("sent");

            // group: s1 and s2 share a group (2 a group, in order of joining), s3 is in the next one
            assertThat(KetangHttp.put(app, "/api/v1/rooms/modes/chat-mode", "{\"chatMode\":\"group\"}", service).status()).isEqualTo(200);
            for (KetangClient s : new KetangClient[] {s1, s2, s3}) {
                s.next(f -> "chat.mode".equals(f.getString("kind", "")));
            }
            assertThat(code(act(s1, "modes", 3, "chat", "{\"text\":\"to my group\"}"))).isEqualTo("sent");
            // staff read every group
            assertThat(teacher.next(f -> "chat".equals(f.getString("kind", "")) && "student".equals(f.getJsonObject("from").getString("role")))
                    .getJsonObject("body").getString("text"))
                    .isEqualTo("to my group");
            assertThat(code(act(teacher, "modes", 4, "signal", "{\"marker\":true}"))).isEqualTo("sent");
            assertThat(firstChatOrMarker(s2)).isEqualTo("to my group");
            assertThat(firstChatOrMarker(s3)).as("another group hears nothing").isEqualTo("marker");

            assertThat(KetangHttp.put(app, "/api/v1/rooms/modes/chat-mode", "{\"chatMode\":\"loud\"}", service).status()).isEqualTo(400);
            JsonObject audit = KetangHttp.get(app, "/api/v1/rooms/modes/audit", service).json();
            assertThat(audit.getJsonArray("audit").getValuesAs(JsonObject.class)).extracting(a -> a.getString("action"))
                    .containsExactly("chat.mode", "chat.mode");
        }
    }

    /** The text of the first chat the client gets before the teacher's marker signal, or "marker". */
    private static String firstChatOrMarker(KetangClient client) {
        JsonObject f = client.next(m -> "msg".equals(m.getString("type"))
                && ("chat".equals(m.getString("kind")) && !"teacher".equals(m.getJsonObject("from").getString("role"))
                || m.getJsonObject("body").containsKey("marker")));
        return "chat".equals(f.getString("kind")) ? f.getJsonObject("body").getString("text") : "marker";
    }

    @Test
    void aJoiningClientGetsTheClassState() {
        KetangHttp.liveRoom(app, BID, "state-1");
        try (KetangClient teacher = enter(1, "teacher", "state-1")) {
            act(teacher, "state-1", 1, "signin.start", "{\"durationSec\":120}");
            act(teacher, "state-1", 2, "quiz.start", "{\"options\":[\"yes\",\"no\"],\"correct\":\"yes\",\"durationSec\":120}");
            long packet = act(teacher, "state-1", 3, "redpacket.send", "{\"count\":3,\"totalCents\":300,\"durationSec\":120}")
                    .getJsonObject("result").getJsonNumber("id").longValue();
            try (KetangClient student = enter(21, "student", "state-1")) {
                act(student, "state-1", 4, "signin", "{}");
                act(student, "state-1", 5, "answer", "{\"choice\":\"no\"}");
                long cents = act(student, "state-1", 6, "redpacket.grab", "{\"id\":" + packet + "}").getJsonObject("result")
                        .getJsonNumber("cents").longValue();
                act(student, "state-1", 7, "hand.raise", "{}");
                act(student, "state-1", 8, "flower", "{}");
                student.close();
                // back after a drop, with a seq so old it cannot be recovered: the state redraws the class
                try (KetangClient back = KetangClient.connect(app)) {
                    back.hello(KetangHttp.devToken(app, 21, BID, "student"), "app");
                    back.send("{\"type\":\"join\",\"id\":1,\"room\":\"state-1\",\"since\":{\"seq\":0}}");
                    JsonObject state = back.next(f -> "state".equals(f.getString("type")));
                    assertThat(state.getJsonObject("signin").getBoolean("signed")).isTrue();
                    assertThat(state.getJsonObject("quiz").getString("answer")).isEqualTo("no");
                    assertThat(state.getJsonObject("quiz").containsKey("correct")).as("not for students").isFalse();
                    JsonObject live = state.getJsonArray("redpackets").getJsonObject(0);
                    assertThat(live.getJsonNumber("grabbed").longValue()).isEqualTo(cents);
                    assertThat(live.getInt("left")).isEqualTo(2);
                    assertThat(state.getJsonObject("hands").getBoolean("raised")).isTrue();
                    assertThat(state.getInt("flowers")).isEqualTo(1);
                    assertThat(state.getString("chatMode")).isEqualTo("open");
                }
            }
            // staff see the counts and the answer
            try (KetangClient assistant = KetangClient.connect(app)) {
                assistant.hello(KetangHttp.devToken(app, 2, BID, "assistant"), "web");
                assistant.send("{\"type\":\"join\",\"id\":1,\"room\":\"state-1\"}");
                JsonObject state = assistant.next(f -> "state".equals(f.getString("type")));
                assertThat(state.getJsonObject("signin").getInt("count")).isEqualTo(1);
                assertThat(state.getJsonObject("quiz").getString("correct")).isEqualTo("yes");
            }
        }
    }
}
