package io.ketang.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.json.JsonObject;

/**
 * Sending and holding important messages as a careful client does: a teacher sends signals and
 * waits for their seqs; a student keeps what it received in seq order, ignores duplicates and
 * pulls any gap from the history.
 */
public final class Important {

    private Important() {
    }

    /** Sends n important signals numbered from {@code first}, and returns the seqs the server acknowledged. */
    public static List<Long> signals(KetangClient teacher, String room, int first, int n) {
        sendSignals(teacher, room, first, n);
        return acknowledged(teacher, n);
    }

    /**
     * Sends one important signal with the given frame id and waits for its answer, {@code sent}
     * or an error, as a teacher's client does during a failover (where the answer can take seconds).
     */
    public static JsonObject sendAndAwait(KetangClient teacher, String room, int id, Duration within) {
        teacher.send("{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + room
                + "\",\"kind\":\"signal\",\"body\":{\"id\":" + id + "}}");
        return teacher.next(f -> f.containsKey("id") && f.getInt("id") == id, within);
    }

    /** Sends n important signals without waiting for them. */
    public static void sendSignals(KetangClient teacher, String room, int first, int n) {
        for (int i = first; i < first + n; i++) {
            teacher.send("{\"type\":\"send\",\"id\":" + (100_000 + i) + ",\"room\":\"" + room
                    + "\",\"kind\":\"signal\",\"body\":{\"n\":" + i + "}}");
        }
    }

    /** The seqs of the next n {@code sent} acknowledgements; an error reply fails. */
    public static List<Long> acknowledged(KetangClient teacher, int n) {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonObject reply = teacher.next(f -> "sent".equals(f.getString("type")) || "error".equals(f.getString("type")),
                    Duration.ofSeconds(30));
            if (!"sent".equals(reply.getString("type"))) {
                throw new AssertionError("send refused: " + reply.getString("code"));
            }
            seqs.add(reply.getJsonNumber("seq").longValue());
        }
        return seqs;
    }

    /** Reads until the client holds every seq up to {@code upTo}, adding them to {@code held}. */
    public static List<Long> receive(KetangClient client, String room, List<Long> held, long upTo) {
        while (last(held) < upTo) {
            JsonObject msg = client.next(f -> "msg".equals(f.getString("type")) && room.equals(f.getString("room")),
                    Duration.ofSeconds(20));
            long seq = msg.getJsonNumber("seq").longValue();
            if (seq <= last(held)) {
                continue; // already held (pushed while it was also recovered)
            }
            if (seq > last(held) + 1) {
                pull(client, room, held, seq - 1);
            }
            held.add(seq);
        }
        return held;
    }

    /** Takes a {@code joined} reply's missed messages into {@code held}. */
    public static void recover(JsonObject joined, List<Long> held) {
        for (JsonObject m : joined.getJsonArray("missed").getValuesAs(JsonObject.class)) {
            long seq = m.getJsonNumber("seq").longValue();
            if (seq == last(held) + 1) {
                held.add(seq);
            }
        }
    }

    /** Pulls the gap after what is held, up to and including {@code until}. */
    public static void pull(KetangClient client, String room, List<Long> held, long until) {
        while (last(held) < until) {
            client.send("{\"type\":\"pull\",\"id\":77,\"room\":\"" + room + "\",\"after\":" + last(held) + ",\"limit\":500}");
            JsonObject pulled = client.next(f -> "pulled".equals(f.getString("type")));
            List<JsonObject> msgs = pulled.getJsonArray("msgs").getValuesAs(JsonObject.class);
            if (msgs.isEmpty()) {
                throw new AssertionError("the history has nothing after " + last(held) + " up to " + until);
            }
            int before = held.size();
            for (JsonObject m : msgs) {
                long seq = m.getJsonNumber("seq").longValue();
                if (seq <= until && seq == last(held) + 1) {
                    held.add(seq);
                }
            }
            if (held.size() == before) {
                throw new AssertionError("the history no longer has seq " + (last(held) + 1));
            }
        }
    }

    public static long last(List<Long> held) {
        return held.isEmpty() ? 0 : held.get(held.size() - 1);
    }

    public static List<Long> range(long from, long to) {
        List<Long> r = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            r.add(s);
        }
        return r;
    }
}
