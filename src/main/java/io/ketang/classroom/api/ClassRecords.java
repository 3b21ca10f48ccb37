package io.ketang.classroom.api;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import io.ketang.classroom.internal.ClassroomRecords;
import io.ketang.classroom.internal.ClassroomStore;
import io.ketang.shared.RoomRef;

/**
 * The classroom's records for business backends and the console, as JSON pages: sign-ins and
 * their attendance, quizzes and their answers, red packets and their grabs, and the audit log.
 * Lists run newest first with {@code before} as the cursor; a list of rows within one record
 * (attendance, answers, audit) runs in order with {@code after}. Each page says its {@code next}
 * cursor, absent at the end.
 *
 * @throws ClassroomRecords.RecordsUnavailableException (a RuntimeException) when PostgreSQL is away
 */
@ApplicationScoped
public class ClassRecords {

    @Inject
    ClassroomRecords records;

    @Inject
    ClassroomStore store;

    private static String time(long epochMs) {
        return epochMs == 0 ? null : Instant.ofEpochMilli(epochMs).toString();
    }

    private static JsonObject json(String text) {
        return JSON.createReader(new StringReader(text)).readObject();
    }

    private static JsonObjectBuilder page(String name, jakarta.json.JsonArrayBuilder items, Long next) {
        var page = JSON.createObjectBuilder().add(name, items);
        if (next != null) {
            page.add("next", next);
        }
        return page;
    }

    public JsonObject signins(RoomRef room, long before, int limit) {
        List<ClassroomRecords.Signin> rows = records.signins(room, before, limit);
        var items = JSON.createArrayBuilder();
        rows.forEach(s -> items.add(JSON.createObjectBuilder().add("id", s.id()).add("openedBy", s.openedBy())
                .add("openedAt", time(s.openedAt())).add("closesAt", time(s.closesAt())).add("closedAt", time(s.closedAt()))
                .add("signed", s.signed()).add("late", s.late()).add("absent", s.absent())));
        return page("signins", items, rows.size() == limit ? rows.get(rows.size() - 1).id() : null).build();
    }

    public JsonObject attendance(RoomRef room, long signinId, long after, int limit) {
        List<ClassroomRecords.Attendance> rows = records.attendance(room, signinId, after, limit);
        var items = JSON.createArrayBuilder();
        rows.forEach(a -> {
            var row = JSON.createObjectBuilder().add("uin", a.uin()).add("status", a.status());
            if (a.signedAt() != null) {
                row.add("signedAt", time(a.signedAt()));
            }
            items.add(row);
        });
        return page("attendance", items, rows.size() == limit ? rows.get(rows.size() - 1).uin() : null)
                .add("signin", signinId).build();
    }

    public JsonObject quizzes(RoomRef room, long before, int limit) {
        List<ClassroomRecords.Quiz> rows = records.quizzes(room, before, limit);
        var items = JSON.createArrayBuilder();
        rows.forEach(q -> {
            var quiz = JSON.createObjectBuilder().add("id", q.id()).add("startedBy", q.startedBy())
                    .add("options", JSON.createReader(new StringReader(q.optionsJson())).readArray())
                    .add("startedAt", time(q.startedAt())).add("closesAt", time(q.closesAt())).add("closedAt", time(q.closedAt()))
                    .add("answered", q.answered()).add("counts", json(q.countsJson()));
            if (q.correct() != null) {
                quiz.add("correct", q.correct()).add("right", q.rightCount());
            }
            items.add(quiz);
        });
        return page("quizzes", items, rows.size() == limit ? rows.get(rows.size() - 1).id() : null).build();
    }

    public JsonObject answers(RoomRef room, long quizId, long after, int limit) {
        Map<Long, String> rows = records.answers(room, quizId, after, limit);
        var items = JSON.createArrayBuilder();
        rows.forEach((uin, choice) -> items.add(JSON.createObjectBuilder().add("uin", uin).add("choice", choice)));
        Long last = rows.isEmpty() ? null : rows.keySet().stream().reduce((a, b) -> b).orElseThrow();
        return page("answers", items, rows.size() == limit ? last : null).add("quiz", quizId).build();
    }

    public JsonObject redpackets(RoomRef room, long before, int limit) {
        List<ClassroomRecords.Packet> rows = records.packets(room, before, limit);
        var items = JSON.createArrayBuilder();
        rows.forEach(p -> items.add(JSON.createObjectBuilder().add("id", p.id()).add("sentBy", p.sentBy())
                .add("totalCents", p.totalCents()).add("shares", p.shares()).add("sentAt", time(p.sentAt()))
                .add("expiresAt", time(p.expiresAt())).add("settledAt", time(p.settledAt()))
                .add("claimedCents", p.claimedCents()).add("claimed", p.claimedCount())
                .add("unclaimedCents", p.unclaimedCents()).add("unclaimed", p.unclaimedCount())));
        return page("redpackets", items, rows.size() == limit ? rows.get(rows.size() - 1).id() : null).build();
    }

    /**
     * One packet's grabs: from the ledger once it settled, and beside them what Redis holds
     * ({@code live}), so anyone can check that the two agree.
     */
    public JsonObject grabs(RoomRef room, long packetId) {
        var ledger = JSON.createObjectBuilder();
        records.grabs(room, packetId).forEach((uin, cents) -> ledger.add(Long.toString(uin), cents));
        var live = JSON.createObjectBuilder();
        store.grabs(room, packetId).forEach((uin, cents) -> live.add(Long.toString(uin), cents));
        return JSON.createObjectBuilder().add("id", packetId).add("grabs", ledger).add("live", live).build();
    }

    public JsonObject audit(RoomRef room, long after, int limit) {
        List<ClassroomRecords.AuditEntry> rows = records.audit(room, after, limit);
        var items = JSON.createArrayBuilder();
        rows.forEach(a -> items.add(JSON.createObjectBuilder().add("id", a.id()).add("actorUin", a.actorUin())
                .add("actorRole", a.actorRole()).add("action", a.action()).add("detail", json(a.detailJson())).add("at", time(a.at()))));
        return page("audit", items, rows.size() == limit ? rows.get(rows.size() - 1).id() : null).build();
    }
}
