package io.ketang.classroom.api;

import static io.ketang.shared.Jsonp.JSON;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.ketang.classroom.internal.ClassroomRecords;
import io.ketang.classroom.internal.ClassroomStore;
import io.ketang.classroom.internal.Closings;
import io.ketang.classroom.internal.Shares;
import io.ketang.classroom.internal.Tallies;
import io.ketang.classroom.messaging.EventLog;
import io.ketang.heartbeat.api.Exited;
import io.ketang.push.api.Priority;
import io.ketang.push.api.Published;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomMessage;
import io.ketang.push.api.Target;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * The interactions a teacher runs in a room, held by the server (docs/protocol.md, Classroom):
 * sign-in, quiz, red packets, hand raise and flowers. Staff open and end them, and the room hears
 * of each as an important message; students take part one by one and each gets a reply of their
 * own (never merged, sampled or counted against the room's chat limit); staff follow live
 * tallies. Also what a joining client draws the class from ({@link #state}), the events topic and
 * the audit log.
 */
@ApplicationScoped
public class Classroom {

    private static final Logger LOG = Logger.getLogger(Classroom.class.getName());

    /** The kinds this context holds; everything else a room relays. */
    public static final Set<String> KINDS = Set.of("signin.start", "signin.end", "signin", "quiz.start", "quiz.end", "answer",
            "redpacket.send", "redpacket.grab", "hand.raise", "hand.lower", "hand.accept", "hand.dismiss", "hand.clear", "flower");

    static final int MAX_DURATION_SEC = 24 * 3600;
    static final int MAX_OPTIONS = 26;
    static final int MAX_SHARES = 10_000;
    static final long MAX_PACKET_CENTS = 100_000_000L;

    @Inject
    ClassroomStore store;

    @Inject
    Closings closings;

    @Inject
    Tallies tallies;

    @Inject
    ClassroomRecords records;

    @Inject
    EventLog events;

    @Inject
    Pushes pushes;

    @Resource
    ManagedExecutorService executor;

    private final SplittableRandom random = new SplittableRandom();

    /** Whether the kind is a classroom interaction (handled here, not relayed). */
    public static boolean holds(String kind) {
        return KINDS.contains(kind);
    }

    /**
     * Carries out one interaction of the actor's in the room. The caller has checked that the
     * actor is in the room and that the role may send the kind.
     */
    public CompletionStage<Outcome> act(Actor actor, RoomRef room, String kind, JsonObject body) {
        try {
            return switch (kind) {
                case "signin.start" -> startSignin(actor, room, body);
                case "signin.end" -> ended(closingOff(() -> closings.endSignin(room, id(body, "id"), actor.uin(), role(actor))), "sign-in");
                case "signin" -> now(sign(actor, room, body));
                case "quiz.start" -> startQuiz(actor, room, body);
                case "quiz.end" -> ended(closingOff(() -> closings.endQuiz(room, id(body, "id"), actor.uin(), role(actor))), "quiz");
                case "answer" -> now(answer(actor, room, body));
                case "redpacket.send" -> sendPacket(actor, room, body);
                case "redpacket.grab" -> now(grab(actor, room, body));
                case "hand.raise", "hand.lower", "hand.accept", "hand.dismiss", "hand.clear" -> now(hand(actor, room, kind, body));
                case "flower" -> now(flower(actor, room));
                default -> now(Outcome.refused("BAD_FRAME", "not a classroom kind"));
            };
        } catch (BadBody bad) {
            return now(Outcome.refused("BAD_FRAME", bad.getMessage()));
        } catch (RuntimeException redisAway) {
            LOG.log(Level.WARNING, "A {0} in a room failed: {1}", new Object[] {kind, redisAway.toString()});
            return now(Outcome.refused("UNAVAILABLE", "not carried out, retry"));
        }
    }

    private static CompletionStage<Outcome> now(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private static String role(Actor actor) {
        return actor.role().wireName();
    }

    /** A body field that is missing or wrong: BAD_FRAME, nothing done. */
    static final class BadBody extends RuntimeException {
        BadBody(String message) {
            super(message, null, false, false);
        }
    }

    /** A body's integer field in {@code min..max}; {@code fallback} when absent (required when below {@code min}). */
    static long number(JsonObject body, String name, long fallback, long min, long max) {
        JsonValue v = body.get(name);
        if (v == null) {
            if (fallback < min) {
                throw new BadBody("body." + name + " is required");
            }
            return fallback;
        }
        if (v instanceof JsonNumber n && n.isIntegral() && n.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(max)) <= 0
                && n.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(min)) >= 0) {
            return n.longValue();
        }
        throw new BadBody("body." + name + " must be an integer in " + min + ".." + max);
    }

    /** An interaction's id in the body: optional (0 = whichever is open), positive when given. */
    private static long id(JsonObject body, String name) {
        return number(body, name, 0, 0, Long.MAX_VALUE);
    }

    /** Runs a close off the caller's thread: it writes records and waits for Kafka. */
    private CompletionStage<Closings.Ended> closingOff(java.util.function.Supplier<CompletionStage<Closings.Ended>> close) {
        Executor off = executor;
        return CompletableFuture.supplyAsync(close, off).thenCompose(stage -> stage);
    }

    private static CompletionStage<Outcome> ended(CompletionStage<Closings.Ended> ending, String what) {
        return ending.handle((ended, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "Ending a {0} failed: {1}", new Object[] {what, failure.toString()});
                return Outcome.refused("UNAVAILABLE", "not carried out, retry");
            }
            return ended == null ? Outcome.refused("NOT_OPEN", "no " + what + " is open") : Outcome.done(ended.body(), ended.seq());
        });
    }

    private CompletionStage<Outcome> tellRoom(Actor actor, RoomRef room, String kind, JsonObject body, JsonObject result) {
        long now = System.currentTimeMillis();
        events.publish(kind, room, actor.uin(), role(actor), now, body);
        return pushes.publish(new RoomMessage(room, Target.ROOM, kind, actor.uin(), role(actor), body.toString(), now), Priority.IMPORTANT)
                .handle((Published published, Throwable failure) -> failure == null ? Outcome.done(result, published.seq())
                        : Outcome.refused("UNAVAILABLE", "opened, but the room was not told; end it and retry"));
    }

    private CompletionStage<Outcome> startSignin(Actor actor, RoomRef room, JsonObject body) {
        long seconds = number(body, "durationSec", 60, 1, MAX_DURATION_SEC);
        long now = System.currentTimeMillis();
        long closesAt = now + seconds * 1000;
        long id = store.open(room, ClassroomStore.Kind.SIGNIN, now, closesAt, actor.uin(), "{}", closings.students(room));
        if (id < 0) {
            return now(Outcome.refused("CONFLICT", "sign-in " + -id + " is open; end it first"));
        }
        tallies.staffChanged(room);
        JsonObject told = JSON.createObjectBuilder().add("id", id).add("closesAt", closesAt).add("durationSec", seconds).build();
        return tellRoom(actor, room, "signin.start", told, told);
    }

    private Outcome sign(Actor actor, RoomRef room, JsonObject body) {
        ClassroomStore.Act act = store.sign(room, actor.uin(), id(body, "id"), System.currentTimeMillis());
        return switch (act.outcome()) {
            case ClassroomStore.Act.NOT_OPEN -> Outcome.refused("NOT_OPEN", "no sign-in is open");
            case ClassroomStore.Act.ALREADY -> Outcome.refused("ALREADY_DONE", "signed in already",
                    JSON.createObjectBuilder().add("id", Long.parseLong(act.value())).build());
            default -> {
                tallies.staffChanged(room);
                JsonObject result = JSON.createObjectBuilder().add("id", Long.parseLong(act.value())).build();
                events.publish("signin", room, actor.uin(), role(actor), System.currentTimeMillis(), result);
                yield Outcome.done(result);
            }
        };
    }

    private CompletionStage<Outcome> startQuiz(Actor actor, RoomRef room, JsonObject body) {
        if (!(body.get("options") instanceof JsonArray options) || options.size() < 2 || options.size() > MAX_OPTIONS) {
            throw new BadBody("body.options must be 2.." + MAX_OPTIONS + " choices");
        }
        Set<String> seen = new HashSet<>();
        var choices = JSON.createArrayBuilder();
        for (JsonValue o : options) {
            if (!(o instanceof JsonString s) || s.getString().isBlank() || s.getString().length() > 64
                    || s.getString().indexOf('\n') >= 0 || !seen.add(s.getString())) {
                throw new BadBody("each option is a distinct string of 1..64 characters");
            }
            choices.add(s.getString());
        }
        String correct = null;
        if (body.containsKey("correct")) {
            if (!(body.get("correct") instanceof JsonString c) || !seen.contains(c.getString())) {
                throw new BadBody("body.correct must be one of the options");
            }
            correct = c.getString();
        }
        long seconds = number(body, "durationSec", 60, 1, MAX_DURATION_SEC);
        long now = System.currentTimeMillis();
        long closesAt = now + seconds * 1000;
        JsonArray optionList = choices.build();
        var kept = JSON.createObjectBuilder().add("options", optionList);
        if (correct != null) {
            kept.add("correct", correct);
        }
        long id = store.open(room, ClassroomStore.Kind.QUIZ, now, closesAt, actor.uin(), kept.build().toString(), List.of());
        if (id < 0) {
            return now(Outcome.refused("CONFLICT", "quiz " + -id + " is open; end it first"));
        }
        tallies.staffChanged(room);
        // the room learns the choices, never the correct one
        JsonObject told = JSON.createObjectBuilder().add("id", id).add("options", optionList).add("closesAt", closesAt)
                .add("durationSec", seconds).build();
        return tellRoom(actor, room, "quiz.start", told, told);
    }

    private Outcome answer(Actor actor, RoomRef room, JsonObject body) {
        if (!(body.get("choice") instanceof JsonString choice)) {
            throw new BadBody("body.choice is required");
        }
        ClassroomStore.Act act = store.answer(room, actor.uin(), id(body, "quiz"), choice.getString(), System.currentTimeMillis());
        return switch (act.outcome()) {
            case ClassroomStore.Act.NOT_OPEN -> Outcome.refused("NOT_OPEN", "no quiz is open");
            case ClassroomStore.Act.NO_SUCH_CHOICE -> Outcome.refused("BAD_FRAME", "the quiz has no such choice");
            case ClassroomStore.Act.ALREADY -> Outcome.refused("ALREADY_DONE", "answered already; an answer is final",
                    JSON.createObjectBuilder().add("choice", act.value()).build());
            default -> {
                tallies.staffChanged(room);
                JsonObject result = JSON.createObjectBuilder().add("choice", act.value()).build();
                events.publish("answer", room, actor.uin(), role(actor), System.currentTimeMillis(), result);
                yield Outcome.done(result);
            }
        };
    }

    private CompletionStage<Outcome> sendPacket(Actor actor, RoomRef room, JsonObject body) {
        long count = number(body, "count", -1, 1, MAX_SHARES);
        long total = number(body, "totalCents", -1, count, MAX_PACKET_CENTS);
        long seconds = number(body, "durationSec", 60, 1, MAX_DURATION_SEC);
        long now = System.currentTimeMillis();
        long expiresAt = now + seconds * 1000;
        long id = store.nextId(room);
        store.sendPacket(room, id, total, Shares.split(total, (int) count, random), now, expiresAt, actor.uin());
        JsonObject told = JSON.createObjectBuilder().add("id", id).add("count", count).add("totalCents", total)
                .add("expiresAt", expiresAt).build();
        return tellRoom(actor, room, "redpacket.send", told, told);
    }

    private Outcome grab(Actor actor, RoomRef room, JsonObject body) {
        long id = number(body, "id", -1, 1, Long.MAX_VALUE);
        ClassroomStore.Grab grab = store.grab(room, id, actor.uin(), System.currentTimeMillis());
        return switch (grab.outcome()) {
            case ClassroomStore.Grab.NO_SUCH_PACKET -> Outcome.refused("GONE", "no such red packet");
            case ClassroomStore.Grab.GONE -> Outcome.refused("GONE", "every share is taken, or the packet expired");
            case ClassroomStore.Grab.ALREADY -> Outcome.refused("ALREADY_DONE", "grabbed already",
                    JSON.createObjectBuilder().add("id", id).add("cents", grab.cents()).build());
            default -> {
                JsonObject result = JSON.createObjectBuilder().add("id", id).add("cents", grab.cents()).add("left", grab.left()).build();
                events.publish("redpacket.grab", room, actor.uin(), role(actor), System.currentTimeMillis(), result);
                if (grab.left() == 0) {
                    closingOff(() -> closings.settle(room, id));
                }
                yield Outcome.done(result);
            }
        };
    }

    private Outcome hand(Actor actor, RoomRef room, String kind, JsonObject body) {
        long now = System.currentTimeMillis();
        JsonObject result;
        switch (kind) {
            case "hand.raise" -> result = JSON.createObjectBuilder().add("position", store.raise(room, actor.uin(), now)).build();
            case "hand.lower" -> result = JSON.createObjectBuilder().add("lowered", store.lower(room, actor.uin())).build();
            case "hand.clear" -> {
                List<Long> up = store.clearHands(room);
                tellStudents(room, Set.copyOf(up), "hand.cleared", actor);
                result = JSON.createObjectBuilder().add("cleared", up.size()).build();
            }
            default -> {
                long uin = number(body, "uin", -1, 1, Long.MAX_VALUE);
                if (!store.lower(room, uin)) {
                    return Outcome.refused("NOT_OPEN", "that hand is not raised");
                }
                tellStudents(room, Set.of(uin), "hand.accept".equals(kind) ? "hand.accepted" : "hand.dismissed", actor);
                tallies.staffChanged(room);
                events.publish(kind, room, actor.uin(), role(actor), now, JSON.createObjectBuilder().add("target", uin).build());
                return Outcome.done(JSON.createObjectBuilder().add("uin", uin).build());
            }
        }
        tallies.staffChanged(room);
        events.publish(kind, room, actor.uin(), role(actor), now, result);
        return Outcome.done(result);
    }

    /** Tells the students concerned what staff did with their hands (live only: the state frame has the queue). */
    private void tellStudents(RoomRef room, Set<Long> uins, String kind, Actor actor) {
        if (uins.isEmpty()) {
            return;
        }
        pushes.publish(new RoomMessage(room, Target.users(uins), kind, actor.uin(), role(actor), "{}", System.currentTimeMillis()),
                Priority.NORMAL);
    }

    private Outcome flower(Actor actor, RoomRef room) {
        long total = store.flower(room, actor.uin());
        tallies.flowersChanged(room);
        events.publish("flower", room, actor.uin(), role(actor), System.currentTimeMillis(), null);
        return Outcome.done(JSON.createObjectBuilder().add("total", total).build());
    }

    /**
     * The classroom as the asker should draw it on joining: the open sign-in and quiz (and whether
     * the asker took part), live red packets (and the asker's share), the hand-raise queue and the
     * flowers. Staff also get the counts.
     */
    public JsonObject state(RoomRef room, Actor asker) {
        ClassroomStore.State s = store.state(room, asker.uin());
        var state = JSON.createObjectBuilder();
        if (s.signinOpen()) {
            var signin = JSON.createObjectBuilder().add("id", s.signinId()).add("closesAt", s.signinClosesAt())
                    .add("signed", s.signedByAsker());
            if (asker.staff()) {
                signin.add("count", s.signedCount());
            }
            state.add("signin", signin);
        }
        if (s.quizOpen()) {
            JsonObject extra = JSON.createReader(new java.io.StringReader(s.quizExtra())).readObject();
            var quiz = JSON.createObjectBuilder().add("id", s.quizId()).add("options", extra.getJsonArray("options"))
                    .add("closesAt", s.quizClosesAt());
            if (s.askersAnswer() != null) {
                quiz.add("answer", s.askersAnswer());
            }
            if (asker.staff()) {
                quiz.add("answered", s.answeredCount());
                if (extra.containsKey("correct")) {
                    quiz.add("correct", extra.get("correct"));
                }
            }
            state.add("quiz", quiz);
        }
        var packets = JSON.createArrayBuilder();
        for (ClassroomStore.Packet p : s.packets()) {
            var packet = JSON.createObjectBuilder().add("id", p.id()).add("count", p.count()).add("left", p.left())
                    .add("expiresAt", p.expiresAt());
            if (p.grabbedByAsker() > 0) {
                packet.add("grabbed", p.grabbedByAsker());
            }
            packets.add(packet);
        }
        var hands = JSON.createArrayBuilder();
        s.hands().forEach(hands::add);
        return state.add("redpackets", packets)
                .add("hands", JSON.createObjectBuilder().add("count", s.handsCount()).add("queue", hands)
                        .add("raised", s.hands().contains(asker.uin())))
                .add("flowers", s.flowers())
                .build();
    }

    /** A session entered the room (events topic). */
    public void entered(RoomRef room, long uin, Role role, Terminal terminal) {
        events.publish("join", room, uin, role.wireName(), System.currentTimeMillis(),
                JSON.createObjectBuilder().add("terminal", terminal.wireName()).build());
    }

    void onExit(@Observes Exited exit) {
        events.publish("leave", exit.room(), exit.uin(), null, exit.ts(), JSON.createObjectBuilder()
                .add("terminal", exit.terminal().wireName()).add("reason", exit.reason().name().toLowerCase(java.util.Locale.ROOT)).build());
    }

    /**
     * Records what staff or an admin did to a room (kick, mute, unmute, chat mode, close): a line
     * of the audit log in PostgreSQL, written off the caller's thread, and an event.
     */
    public void audit(RoomRef room, long actorUin, String actorRole, String action, JsonObject detail) {
        long now = System.currentTimeMillis();
        events.publish(action, room, actorUin, actorRole, now, detail);
        executor.execute(() -> {
            try {
                records.audit(room, actorUin, actorRole, action, detail.toString());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An audit line ({0}) was not written: {1}", new Object[] {action, e.toString()});
            }
        });
    }
}
