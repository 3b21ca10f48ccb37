package io.ketang.testing;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.json.JsonObject;

/**
 * A test's WebSocket client speaking Ketang's protocol: frames it receives wait in a queue, and
 * a test takes the next one matching what it expects, with a deadline (no sleeping). A client can
 * stop reading ({@link #stall()}) to play a phone on a dead network.
 */
public final class KetangClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    /** When each frame arrived (System.nanoTime), by frame; identity, as equal frames may repeat. */
    private final java.util.Map<JsonObject, Long> arrivals = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** Guards {@code lastSend}. */
    private final Object sending = new Object();
    /** The newest send: the JDK's WebSocket takes one send at a time, so each waits for the one before. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private volatile boolean stalled;
    /** Heartbeats this client sent on its own, whose replies it swallows. */
    private final java.util.concurrent.atomic.AtomicInteger ownBeats = new java.util.concurrent.atomic.AtomicInteger();
    private java.util.concurrent.ScheduledFuture<?> beating;
    private static final java.util.concurrent.ScheduledExecutorService BEATS =
            java.util.concurrent.Executors.newScheduledThreadPool(1, r -> {
                Thread t = new Thread(r, "ketang-client-heartbeats");
                t.setDaemon(true);
                return t;
            });

    private KetangClient(URI uri, String origin) {
        var builder = HTTP.newWebSocketBuilder().subprotocols("ketang.v1").connectTimeout(Duration.ofSeconds(10));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    /** Connects to {@code /ws} of the application at {@code base}, as a page served from there would. */
    public static KetangClient connect(URI base) {
        return connect(base, base.getScheme() + "://" + base.getHost() + ":" + base.getPort());
    }

    /** Connects, says hello with the token and joins the room; fails unless the join is answered {@code joined}. */
    public static KetangClient inRoom(URI node, String token, String terminal, String room) {
        KetangClient client = connect(node);
        client.hello(token, terminal);
        JsonObject joined = client.join(room, 1);
        if (!"joined".equals(joined.getString("type"))) {
            client.close();
            throw new AssertionError("join " + room + " refused: " + joined);
        }
        return client;
    }

    /** Connects with the given Origin header, or none when it is null. */
    public static KetangClient connect(URI base, String origin) {
        return new KetangClient(URI.create(base.toString().replaceFirst("^http", "ws")).resolve("/ws"), origin);
    }

    /**
     * The HTTP status of a WebSocket handshake with the given Origin (none when null): 101 when
     * the server upgrades, otherwise what it refused with.
     */
    public static int handshakeStatus(URI base, String origin) {
        try {
            connect(base, origin).close();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    /**
     * Sends a frame and waits until it is written. The JDK's WebSocket allows one send at a time, so
     * this client's own heartbeats and the test's frames queue behind each other ({@link #queue}).
     */
    public void send(String json) {
        try {
            queue(json).join();
        } catch (java.util.concurrent.CompletionException e) {
            // say why the socket is gone, when the server said it
            String code = closeCode.isDone() && !closeCode.isCompletedExceptionally() ? " (closed with " + closeCode.join() + ")" : "";
            throw new AssertionError("send failed" + code + ": " + e.getCause(), e);
        }
    }

    /** Sends the frame once the sends before it are done, whether they failed or not. */
    private CompletableFuture<WebSocket> queue(String text) {
        synchronized (sending) {
            CompletableFuture<WebSocket> next = lastSend.handle((done, failed) -> null)
                    .thenCompose(ignored -> socket.sendText(text, true));
            lastSend = next;
            return next;
        }
    }

    /** Sends hello with the token, waits for welcome, and from then on heartbeats as a client must. */
    public JsonObject hello(String token, String terminal) {
        send(JSON.createObjectBuilder().add("type", "hello").add("token", token).add("terminal", terminal)
                .add("client", "ketang-it/1").build().toString());
        JsonObject welcome = next(f -> "welcome".equals(f.getString("type")));
        long every = welcome.getInt("heartbeatSec") * 1000L;
        beating = BEATS.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
        return welcome;
    }

    /**
     * Queues a heartbeat without waiting for it: one thread beats for every client of the test, and
     * a thread that waited on each send fell behind by more than the server's heartbeat timeout
     * with a thousand clients on a loaded machine (4000 "no heartbeat").
     */
    private void beat() {
        if (socket.isOutputClosed()) {
            return;
        }
        // counted before it goes, since its reply may come before the send is done
        ownBeats.incrementAndGet();
        queue("{\"type\":\"hb\"}").whenComplete((sent, notSent) -> {
            if (notSent != null) {
                ownBeats.decrementAndGet();
            }
        });
    }

    /** Stops heartbeating, as a client whose process froze would. */
    public void stopHeartbeats() {
        if (beating != null) {
            beating.cancel(false);
        }
    }

    /** Joins the room and returns the {@code joined} or {@code error} reply. */
    public JsonObject join(String room, int id) {
        send("{\"type\":\"join\",\"id\":" + id + ",\"room\":\"" + room + "\"}");
        return next(f -> f.containsKey("id") && f.getInt("id") == id);
    }

    /** When this frame, returned by {@link #next}, arrived (System.nanoTime). */
    public long arrivedAt(JsonObject frame) {
        return arrivals.get(frame);
    }

    /** The next frame matching the predicate within ten seconds; frames before it are dropped. */
    public JsonObject next(Predicate<JsonObject> wanted) {
        return next(wanted, Duration.ofSeconds(10));
    }

    public JsonObject next(Predicate<JsonObject> wanted, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        java.util.Deque<String> passed = new java.util.ArrayDeque<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonObject frame = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    throw new AssertionError("no expected frame within " + within + "; the last ones that came: " + passed);
                }
                if (wanted.test(frame)) {
                    return frame;
                }
                String seen = frame.toString();
                passed.addLast(seen.length() > 200 ? seen.substring(0, 200) + "…" : seen);
                if (passed.size() > 5) {
                    passed.removeFirst();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Stops reading from the socket: the server's writes back up as they would to a dead phone. */
    public void stall() {
        stalled = true;
    }

    /** Reads again, everything the server still sends. */
    public void resume() {
        stalled = false;
        socket.request(Long.MAX_VALUE);
    }

    /** The close code the server sent, waiting up to the given time. */
    public int closeCode(Duration within) {
        return closeCode.copy().orTimeout(within.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /**
     * How the connection ended, waiting up to the given time: {@code "closed <code>"} when the
     * server closed it, {@code "failed: <exception>"} when it broke (cut in the middle of a frame).
     */
    public String ended(Duration within) {
        try {
            return "closed " + closeCode(within);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw e;
            }
            return "failed: " + e.getCause().getClass().getSimpleName();
        }
    }

    public boolean closed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        stopHeartbeats();
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject frame = JSON.createReader(new StringReader(partial.toString())).readObject();
                partial.setLength(0);
                if ("frames".equals(frame.getString("type", ""))) {
                    // several frames the server sent in one write
                    frame.getJsonArray("frames").getValuesAs(JsonObject.class).forEach(this::received);
                } else {
                    received(frame);
                }
            }
            if (!stalled) {
                webSocket.request(1);
            }
            return null;
        }

        private void received(JsonObject frame) {
            // the reply to a heartbeat this client sent by itself is not the test's business
            if ("hb".equals(frame.getString("type", "")) && ownBeats.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return;
            }
            arrivals.put(frame, System.nanoTime());
            frames.add(frame);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
