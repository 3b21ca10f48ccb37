package io.ketang.testing;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.json.JsonObject;

/**
 * A client of one room that behaves as the reference JavaScript client does, for runs of many
 * (the fault suite): it heartbeats, acks what it holds every second, keeps important messages in
 * seq order once each, pulls gaps (on a jump, or when an ack's head is ahead), and when its
 * connection breaks, is closed, or goes silent past its liveness limit, reconnects to the next
 * node in its list and rejoins with {@code since}. It keeps no queue of frames: only what it holds
 * and what happened to it (close codes, reconnects, seqs pushed twice, voided seqs).
 */
public final class CarefulClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ScheduledExecutorService TICKS = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "careful-client-ticks");
        t.setDaemon(true);
        return t;
    });
    /** Close codes after which the reference client does not reconnect. */
    private static final List<Integer> FINAL = List.of(4401, 4403, 4409);

    private final List<URI> nodes;
    private final String token;
    private final String terminal;
    private final String room;
    private final long livenessNanos;
    private final ScheduledFuture<?> ticking;

    // what the client holds, guarded by this
    private long held = -1;
    private final TreeMap<Long, Boolean> pending = new TreeMap<>();
    private final BitSet voids = new BitSet();
    private BitSet pushedHere = new BitSet();
    private long pullSentAt;
    private int pullId;
    private int nextId = 1;
    private int joinId;

    // the connection, guarded by this
    private int node;
    private WebSocket socket;
    private Listener listener;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private long heartbeatNanos = TimeUnit.SECONDS.toNanos(20);
    private long nextBeat;
    private long nextAck;
    private long lastFrame;
    private long reconnectAt;
    private int attempt;
    private boolean welcomed;
    private boolean joined;
    private boolean reconnecting = true;
    private boolean closed;

    // what happened to it
    private final Map<String, AtomicLong> ends = new ConcurrentHashMap<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong pushedTwice = new AtomicLong();
    private final AtomicLong joinRefusals = new AtomicLong();
    private volatile Consumer<JsonObject> replies = f -> { };
    private volatile Consumer<JsonObject> pushes = f -> { };

    private CarefulClient(List<URI> nodes, String token, String terminal, String room, Duration liveness) {
        this.nodes = List.copyOf(nodes);
        this.token = token;
        this.terminal = terminal;
        this.room = room;
        this.livenessNanos = liveness.toNanos();
        this.ticking = TICKS.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to the first of {@code nodes} (HTTP base URIs; the others are where it goes when that
     * one fails), says hello and joins the room. Returns at once; {@link #joined()} says when it is in.
     *
     * @param liveness how long the connection may stay silent (no frame at all, heartbeat replies
     *                 included) before the client gives up on it and reconnects elsewhere
     */
    public static CarefulClient open(List<URI> nodes, String token, String terminal, String room, Duration liveness) {
        CarefulClient client = new CarefulClient(nodes, token, terminal, room, liveness);
        synchronized (client) {
            client.connect();
        }
        return client;
    }

    /** Frames with an id that are not this client's own calls ({@code sent} and errors of a teacher's sends). */
    public void onReply(Consumer<JsonObject> replies) {
        this.replies = replies;
    }

    /** Every important message pushed to this client (not pulled or recovered), as it arrives. */
    public void onPush(Consumer<JsonObject> pushes) {
        this.pushes = pushes;
    }

    /** Drops the connection without a close, as a phone whose network went away; it reconnects as after any loss. */
    public synchronized void drop() {
        if (socket != null) {
            lost("dropped");
        }
    }

    /** Sends a frame on the current connection; false when there is none. */
    public synchronized boolean send(String json) {
        if (socket == null || !welcomed) {
            return false;
        }
        write(json);
        return true;
    }

    /** Whether the client is in the room on a live connection now. */
    public synchronized boolean joined() {
        return joined && socket != null;
    }

    /** The highest seq held with no gap before it (voided seqs included), -1 before the first join. */
    public synchronized long held() {
        return held;
    }

    /** Whether the room's history said this seq was voided (a send that failed after taking it). */
    public synchronized boolean voided(long seq) {
        return voids.get((int) seq);
    }

    /** The node the client is connected or connecting to. */
    public synchronized URI node() {
        return nodes.get(node);
    }

    /** How the client's connections ended that it did not end itself: {@code "4000"}, {@code "1006"}, {@code "silent"}… */
    public Map<String, AtomicLong> ends() {
        return ends;
    }

    public long reconnects() {
        return reconnects.get();
    }

    /** Seqs pushed twice on one connection (the server's duplicate, not a recovery's overlap). */
    public long pushedTwice() {
        return pushedTwice.get();
    }

    public long joinRefusals() {
        return joinRefusals.get();
    }

    /** Forgets how its connections ended (at the start of a new measurement). */
    public void resetCounts() {
        ends.clear();
        reconnects.set(0);
        pushedTwice.set(0);
        joinRefusals.set(0);
    }

    @Override
    public synchronized void close() {
        closed = true;
        ticking.cancel(false);
        if (socket != null) {
            WebSocket s = socket;
            socket = null;
            s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null).thenRun(s::abort);
        }
    }

    // --- the connection ----------------------------------------------------------------------

    private void connect() {
        URI base = nodes.get(node);
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws")).resolve("/ws");
        Listener mine = new Listener();
        listener = mine;
        welcomed = false;
        joined = false;
        lastFrame = System.nanoTime();
        HTTP.newWebSocketBuilder().subprotocols("ketang.v1").connectTimeout(Duration.ofSeconds(5))
                .header("Origin", base.getScheme() + "://" + base.getHost() + ":" + base.getPort())
                .buildAsync(ws, mine).whenComplete((s, failure) -> {
                    synchronized (this) {
                        if (listener != mine || closed) {
                            if (s != null) {
                                s.abort();
                            }
                            return;
                        }
                        if (failure != null) {
                            lost("connect failed");
                            return;
                        }
                        socket = s;
                        sending = CompletableFuture.completedFuture(null);
                        write(JSON.createObjectBuilder().add("type", "hello").add("token", token).add("terminal", terminal)
                                .add("client", "ketang-careful/1").build().toString());
                    }
                });
    }

    /** The connection is gone: count how, and reconnect to the next node after a short backoff. */
    private void lost(String how) {
        if (closed) {
            return;
        }
        ends.computeIfAbsent(how, k -> new AtomicLong()).incrementAndGet();
        if (socket != null) {
            socket.abort();
        }
        socket = null;
        listener = null;
        welcomed = false;
        joined = false;
        if (!reconnecting) {
            return;
        }
        node = (node + 1) % nodes.size();
        attempt = Math.min(attempt + 1, 4);
        long backoffMs = 250L << attempt;
        reconnectAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2));
    }

    /** Chains sends: the JDK's WebSocket takes one at a time. */
    private void write(String json) {
        WebSocket s = socket;
        sending = sending.handle((ok, e) -> null).thenCompose(v -> s.sendText(json, true));
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (socket == null) {
            if (listener == null && reconnecting && now - reconnectAt >= 0) {
                reconnects.incrementAndGet();
                connect();
            }
            return;
        }
        if (now - lastFrame > livenessNanos) {
            lost("silent");
            return;
        }
        if (!welcomed) {
            return;
        }
        if (now - nextBeat >= 0) {
            nextBeat = now + heartbeatNanos;
            write("{\"type\":\"hb\"}");
        }
        if (joined && now - nextAck >= 0) {
            nextAck = now + TimeUnit.SECONDS.toNanos(1);
            write("{\"type\":\"ack\",\"room\":\"" + room + "\",\"seq\":" + held + "}");
        }
        if (pullSentAt != 0 && now - pullSentAt > TimeUnit.SECONDS.toNanos(5)) {
            pullSentAt = 0; // its answer was lost with a connection: the next jump or ack pulls again
        }
    }

    // --- frames ------------------------------------------------------------------------------

    private synchronized void onFrame(Listener from, JsonObject f) {
        if (from != listener) {
            return; // a connection given up on
        }
        lastFrame = System.nanoTime();
        switch (f.getString("type", "")) {
            case "frames" -> f.getJsonArray("frames").getValuesAs(JsonObject.class).forEach(g -> onFrame(from, g));
            case "welcome" -> {
                welcomed = true;
                attempt = 0;
                heartbeatNanos = TimeUnit.SECONDS.toNanos(f.getInt("heartbeatSec"));
                nextBeat = System.nanoTime() + heartbeatNanos;
                pushedHere = new BitSet();
                pullSentAt = 0;
                joinId = nextId++;
                String since = held >= 0 ? ",\"since\":{\"seq\":" + held + "}" : "";
                write("{\"type\":\"join\",\"id\":" + joinId + ",\"room\":\"" + room + "\"" + since + "}");
            }
            case "joined" -> {
                joined = true;
                if (f.containsKey("recovered") && !f.getBoolean("recovered")) {
                    held = f.getJsonNumber("seq").longValue(); // history ran out: reload from the head
                    pending.clear();
                } else {
                    if (held < 0) {
                        held = f.containsKey("seq") ? f.getJsonNumber("seq").longValue() : 0;
                    }
                    if (f.containsKey("missed")) {
                        f.getJsonArray("missed").getValuesAs(JsonObject.class).forEach(m -> message(m, false));
                    }
                    if (f.getBoolean("more", false)) {
                        pull();
                    }
                }
            }
            case "msg" -> {
                if (f.containsKey("seq") && room.equals(f.getString("room", ""))) {
                    message(f, true);
                }
            }
            case "pulled" -> {
                pullSentAt = 0;
                f.getJsonArray("msgs").getValuesAs(JsonObject.class).forEach(m -> message(m, false));
                if (f.getBoolean("more", false) || !pending.isEmpty()) {
                    pull();
                }
            }
            case "ack" -> {
                if (f.containsKey("head") && f.getJsonNumber("head").longValue() > held) {
                    pull();
                }
            }
            case "error" -> {
                if (f.containsKey("id") && f.getJsonNumber("id").longValue() == joinId) {
                    // the room could not be checked (UNAVAILABLE) or the like: try again on a new connection
                    joinRefusals.incrementAndGet();
                    lost("join " + f.getString("code", "?"));
                } else if (f.containsKey("id") && f.getJsonNumber("id").longValue() == pullId) {
                    pullSentAt = 0; // refused (rate or Redis away): the next ack's head asks again
                } else {
                    replies.accept(f);
                }
            }
            case "hb", "presence", "batch", "state", "muted", "kicked" -> {
            }
            default -> {
                if (f.containsKey("id")) {
                    replies.accept(f);
                }
            }
        }
    }

    /** An important message: held in seq order once; a jump is held back and the gap pulled. */
    private void message(JsonObject m, boolean pushed) {
        long seq = m.getJsonNumber("seq").longValue();
        if (pushed) {
            if (pushedHere.get((int) seq)) {
                pushedTwice.incrementAndGet();
            }
            pushedHere.set((int) seq);
            pushes.accept(m);
        }
        if (held < 0) {
            held = seq - 1;
        }
        if (seq <= held) {
            return;
        }
        pending.put(seq, "void".equals(m.getString("kind", "")));
        if (seq > held + 1) {
            pull();
        }
        while (!pending.isEmpty() && pending.firstKey() == held + 1) {
            if (pending.pollFirstEntry().getValue()) {
                voids.set((int) (held + 1));
            }
            held++;
        }
    }

    private void pull() {
        if (pullSentAt != 0 || socket == null || !joined) {
            return;
        }
        pullSentAt = System.nanoTime();
        pullId = nextId++;
        write("{\"type\":\"pull\",\"id\":" + pullId + ",\"room\":\"" + room + "\",\"after\":" + held + ",\"limit\":500}");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject frame = JSON.createReader(new StringReader(partial.toString())).readObject();
                partial.setLength(0);
                onFrame(this, frame);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            synchronized (CarefulClient.this) {
                if (listener == this) {
                    if (FINAL.contains(statusCode)) {
                        reconnecting = false;
                    }
                    lost(String.valueOf(statusCode));
                }
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            synchronized (CarefulClient.this) {
                if (listener == this) {
                    lost("broken");
                }
            }
        }
    }
}
