package io.ketang.classroom.internal;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import io.ketang.classroom.messaging.EventLog;
import io.ketang.membership.api.Member;
import io.ketang.membership.api.MemberPage;
import io.ketang.membership.api.Memberships;
import io.ketang.push.api.Priority;
import io.ketang.push.api.Published;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomMessage;
import io.ketang.push.api.Target;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * The end of a sign-in, a quiz or a red packet: by staff, when every share is taken, or at its
 * deadline, whichever comes first. Redis decides which of them closes it (the close script
 * succeeds once), so the records are written and the room is told exactly once, on one node.
 * Deadlines are a sorted set in Redis polled by every node; a node takes a due entry atomically.
 */
@ApplicationScoped
public class Closings {

    private static final Logger LOG = Logger.getLogger(Closings.class.getName());

    /** How often each node looks for interactions past their deadline. */
    static final long POLL_MS = 250;

    @Inject
    ClassroomStore store;

    @Inject
    ClassroomRecords records;

    @Inject
    Pushes pushes;

    @Inject
    Memberships memberships;

    @Inject
    EventLog events;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private java.util.concurrent.Future<?> polling;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        polling = scheduler.scheduleWithFixedDelay(this::closeDue, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (polling != null) {
            polling.cancel(false);
        }
    }

    /** The students in the room now, from this node's replica. */
    public List<Long> students(RoomRef room) {
        List<Long> uins = new ArrayList<>();
        long after = 0;
        while (true) {
            MemberPage page = memberships.page(room, Optional.of(Role.STUDENT), Optional.empty(), after, Memberships.MAX_PAGE);
            for (Member m : page.members()) {
                uins.add(m.uin());
            }
            if (page.next() == null) {
                return uins;
            }
            after = page.next();
        }
    }

    private void closeDue() {
        try {
            for (String due : store.takeDue(System.currentTimeMillis(), 50)) {
                String[] parts = due.split("\\|");
                String[] ref = parts[1].split("/", 2);
                RoomRef room = new RoomRef(ref[0], ref[1]);
                long id = Long.parseLong(parts[2]);
                CompletionStage<?> closing = switch (parts[0]) {
                    case "signin" -> endSignin(room, id, 0, "system");
                    case "quiz" -> endQuiz(room, id, 0, "system");
                    default -> settle(room, id);
                };
                closing.whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "Closing {0} at its deadline failed: {1}", new Object[] {due, failure.toString()});
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Looking for due classroom interactions failed: {0}", e.toString());
        }
    }

    private CompletionStage<Published> tellRoom(RoomRef room, String kind, long byUin, String byRole, JsonObject body) {
        return pushes.publish(new RoomMessage(room, Target.ROOM, kind, byUin, byRole, body.toString(), System.currentTimeMillis()),
                Priority.IMPORTANT);
    }

    /**
     * Ends the open sign-in ({@code id} 0: whichever is open): attendance is judged and stored, and
     * the room is told. Null result when none was open.
     */
    public CompletionStage<Ended> endSignin(RoomRef room, long id, long byUin, String byRole) {
        long now = System.currentTimeMillis();
        ClassroomStore.Closed closed = store.close(room, ClassroomStore.Kind.SIGNIN, id, now);
        if (closed == null) {
            return CompletableFuture.completedFuture(null);
        }
        Set<Long> expected = new HashSet<>(closed.set());
        Set<Long> roster = new HashSet<>(expected);
        roster.addAll(closed.perUser().keySet());
        roster.addAll(students(room));
        List<ClassroomRecords.Attendance> rows = new ArrayList<>(roster.size());
        int signed = 0;
        int late = 0;
        for (long uin : new java.util.TreeSet<>(roster)) {
            String at = closed.perUser().get(uin);
            String status = at == null ? "absent" : expected.contains(uin) ? "signed" : "late";
            if (at != null) {
                if (expected.contains(uin)) {
                    signed++;
                } else {
                    late++;
                }
            }
            rows.add(new ClassroomRecords.Attendance(uin, status, at == null ? null : Long.parseLong(at)));
        }
        int absent = rows.size() - signed - late;
        records.signinClosed(room, new ClassroomRecords.Signin(closed.id(), closed.by(), closed.openedAt(), closed.closesAt(), now,
                signed, late, absent), rows);
        JsonObject body = JSON.createObjectBuilder().add("id", closed.id()).add("signed", signed).add("late", late)
                .add("absent", absent).add("total", rows.size()).build();
        events.publish("signin.end", room, byUin, byRole, now, body);
        return tellRoom(room, "signin.end", byUin, byRole, body).thenApply(p -> new Ended(body, p.seq()));
    }

    /** What a close told the room, and the seq it took. */
    public record Ended(JsonObject body, long seq) {
    }

    /** Ends the open quiz: answers stored, and the result (distribution, correct rate) to the room. */
    public CompletionStage<Ended> endQuiz(RoomRef room, long id, long byUin, String byRole) {
        long now = System.currentTimeMillis();
        ClassroomStore.Closed closed = store.close(room, ClassroomStore.Kind.QUIZ, id, now);
        if (closed == null) {
            return CompletableFuture.completedFuture(null);
        }
        JsonObject extra = JSON.createReader(new StringReader(closed.extra())).readObject();
        String correct = extra.get("correct") instanceof JsonString s ? s.getString() : null;
        Map<String, Integer> counts = new TreeMap<>();
        extra.getJsonArray("options").getValuesAs(JsonString.class).forEach(o -> counts.put(o.getString(), 0));
        int right = 0;
        for (String choice : closed.perUser().values()) {
            counts.merge(choice, 1, Integer::sum);
            if (choice.equals(correct)) {
                right++;
            }
        }
        var countsBuilder = JSON.createObjectBuilder();
        counts.forEach(countsBuilder::add);
        JsonObject countsJson = countsBuilder.build();
        int answered = closed.perUser().size();
        records.quizClosed(room, new ClassroomRecords.Quiz(closed.id(), closed.by(), extra.getJsonArray("options").toString(), correct,
                closed.openedAt(), closed.closesAt(), now, answered, right, countsJson.toString()), closed.perUser());
        var body = JSON.createObjectBuilder().add("id", closed.id()).add("answered", answered).add("counts", countsJson);
        if (correct != null) {
            body.add("correct", correct).add("right", right).add("correctRate", answered == 0 ? 0.0 : (double) right / answered);
        }
        JsonObject result = body.build();
        events.publish("quiz.end", room, byUin, byRole, now, result);
        return tellRoom(room, "quiz.result", byUin, byRole, result).thenApply(p -> new Ended(result, p.seq()));
    }

    /** Ends a red packet: the grabs and the unclaimed rest go to the ledger, and the room is told. */
    public CompletionStage<Ended> settle(RoomRef room, long id) {
        long now = System.currentTimeMillis();
        ClassroomStore.Settled settled = store.settle(room, id, now);
        if (settled == null) {
            return CompletableFuture.completedFuture(null);
        }
        long claimed = settled.grabs().values().stream().mapToLong(Long::longValue).sum();
        long unclaimed = settled.unclaimed().stream().mapToLong(Long::longValue).sum();
        records.packetSettled(room, new ClassroomRecords.Packet(id, settled.by(), settled.total(), settled.count(), settled.sentAt(),
                settled.expiresAt(), now, claimed, settled.grabs().size(), unclaimed, settled.unclaimed().size()), settled.grabs());
        JsonObject body = JSON.createObjectBuilder().add("id", id).add("grabbed", settled.grabs().size())
                .add("claimedCents", claimed).add("unclaimed", settled.unclaimed().size()).add("unclaimedCents", unclaimed).build();
        events.publish("redpacket.end", room, 0, null, now, body);
        return tellRoom(room, "redpacket.end", 0, "system", body).thenApply(p -> new Ended(body, p.seq()));
    }
}
