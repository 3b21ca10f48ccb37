package io.ketang.load;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.JsonObject;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Ketang's push load generator: N students join one room on a running Ketang (dev tokens on, as
 * {@code mvn -Prun package} serves it), a teacher sends important messages at a fixed rate for a
 * while, and it prints teacher-to-student latency percentiles, deliveries per second, losses, the
 * server's CPU per delivery and its heap per connection. Traffic goes to the given URL only
 * (loopback by default) and the run stops by itself.
 *
 * <pre>mvn -Pload package -Dload.args="--students 10000 --rate 5 --seconds 30"</pre>
 *
 * <p>With {@code --urls u1,u2,u3} the students join the nodes in turn (the teacher and the REST calls
 * use the first); CPU and heap are summed over the local Liberty servers {@code ketang},
 * {@code ketang-2}… ({@code mvn -Prun package -Dketang.nodes=3} starts them), and at the end each
 * node says how many members it counts. One process may hold 20,000 open files here, so about
 * 19,000 students a run.
 *
 * <p>Students behave as the reference client does: they heartbeat from the welcome on and ack what
 * they hold every {@code --ack-ms} (1 s; 0 turns acks off), or as seldom as the server asks in a
 * large room ({@code ackEveryMs}); presence is on (the server's default).
 *
 * <p>With {@code --histogram N} (one node) it also prints the N classes that grew most on the
 * server's heap per connection, live objects of the idle class once everyone is in (where a
 * connection's heap goes).
 *
 * <p>With {@code --scenario class-end} class A's students all close at the bell while a next class
 * joins another room and stays (see {@link #classEnd}). {@code --bell sockets} (the default): each
 * student closes its socket at once; {@code --bell room-close}: the business closes room A through
 * the REST API and each student closes its socket when its {@code kicked} arrives, as an app does
 * when its class is over. {@code --goodbye close} (the default): a student closes its socket
 * itself; {@code --goodbye bye}: it says {@code bye} and the server closes it, as the reference
 * client does (it also says how the students leave at the end of a push run, and at a fleet's
 * bell). At most ~9,000 a class on this machine,
 * whose processes may hold 20,000 open files.
 *
 * <p>In a fleet ({@code --processes N}), {@code --next M} brings a next class of M students at the
 * bell: each part joins its share to the room {@code <room>-next} while class A leaves, part 0's
 * teacher sends at the rate, and they stay until {@code --stay} seconds after the bell; the fleet
 * prints whom the server closed (a 4000 is a false kick), what was lost and the latency.
 *
 * <p>With {@code --scenario joins} the students only join, spread over {@code --join-spread-ms}
 * with {@code --connecting} in flight, and it prints the join rate and times (a join storm).
 *
 * <p>With {@code --scenario interactions} the teacher opens a sign-in and every student signs
 * within {@code --spread-ms} (2 s by default), then the same for a quiz's answers; it prints the
 * interactions answered per second, reply-time percentiles, refusals by code, and checks the
 * counts the teacher gets at the end against the students who were answered.
 */
public final class PushLoad {

    /** One JSON-P provider: {@code Json.create…} looks it up anew on each call, a jar scan under a lock. */
    private static final jakarta.json.spi.JsonProvider JSON = jakarta.json.spi.JsonProvider.provider();

    /** A measured message carries its send time as {@code "t"}; a warm-up one as {@code "w"}. */
    private static final String MEASURED = "\"t\":";
    private static final String WARMING = "\"w\":";
    /** G1's one line, or each generation's of the other collectors (Parallel: young and old), summed. */
    private static final Pattern HEAP_USED = Pattern.compile(
            "(?m)^\\s*(?:garbage-first heap|PSYoungGen|ParOldGen|def new generation|tenured generation)\\s+total \\d+K, used (\\d+)K");

    private final URI base;
    /**
     * In a run of several processes ({@link LoadFleet}): this process's part (0 has the teacher and
     * the server figures), how many parts, and the directory where they meet; part -1 otherwise.
     */
    private final int part;
    private final int parts;
    private final Path meeting;
    /** The first student's uin: each part has its own block. */
    private final long firstUin;
    /** Deliveries of measured messages (after the warm-up), counted where they arrive. */
    private final AtomicLong measuredDeliveries = new AtomicLong();
    /** The Ketang nodes students join, in turn ({@code --urls}); the teacher and the REST calls use the first. */
    private final List<URI> nodes;
    /** Every node's server process here, for CPU and heap (summed). */
    private final List<Long> serverPids;
    private final int students;
    private final int rate;
    private final int seconds;
    private final int warmup;
    private final int connecting;
    private final String room;
    private final long serverPid;
    /** Part 0's teacher of the next class ({@code --next}), in its room before the bell. */
    private Student nextTeacher;

    /** HTTP/1.1: the JDK client asks for h2c, and Liberty under load answered a long-lived HTTP/2 connection with GOAWAY. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final WebSocketClient ws = new WebSocketClient();
    /**
     * The longest time the histograms hold (an hour): an overloaded class has seen latencies past
     * two minutes, and a value beyond a histogram's range throws, which in a message handler
     * closed the student's socket (1008) and counted the load generator's fault as the server's.
     */
    static final long LONGEST_NANOS = TimeUnit.HOURS.toNanos(1);
    private final Recorder latency = new Recorder(LONGEST_NANOS, 3);
    private final AtomicLong deliveries = new AtomicLong();
    private volatile long deliveriesBefore;
    /** Set when the run is over and the students close their own sockets. */
    private volatile boolean closing;
    private final AtomicLong closedEarly = new AtomicLong();
    /** How many students were closed during the run, by close code and reason. */
    private final Map<String, AtomicLong> closeReasons = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final String scenario;
    private final int spreadMs;
    /** The id of the interaction frames the students send now, 0 outside an interaction storm. */
    private volatile int stormId;
    private final Recorder replyTimes = new Recorder(LONGEST_NANOS, 3);
    private final Map<String, AtomicLong> replies = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong lastReplyAt = new AtomicLong();
    /** Storm frames the client library could not send (counted, so a loss is the client's or the server's, not unknown). */
    private final AtomicLong sendFailures = new AtomicLong();
    private final List<Student> joined = new ArrayList<>();
    /** A {@code msg}'s seq, and how long joins took (connect to joined). */
    private static final String SEQ = "\"seq\":";
    private final Recorder joinTimes = new Recorder(LONGEST_NANOS, 3);
    private final AtomicLong leavingClosed = new AtomicLong();
    private final AtomicLong lastLeavingClosedAt = new AtomicLong();
    /** Acks every this many ms per student (0: none), spread over the interval, as the reference client does. */
    private final int ackMs;
    private final int stay;
    private final int joinSpreadMs;
    /** In a fleet ({@code --next N}): this part's share of a next class of N that joins another room at the bell. */
    private final int nextShare;
    private final int nextPerPart;
    private List<String> nextTokens = List.of();
    /** Part 0's next teacher's token, minted with the students' (a node at the bell is too busy to mint in time). */
    private String nextTeacherToken;
    /** How the class ends ({@code --bell}): {@code sockets} or {@code room-close}. */
    private final String bell;
    /** How a student of class A leaves ({@code --goodbye}): {@code close} its socket, or say {@code bye}. */
    private final String goodbye;
    /** Set at a {@code room-close} bell: a student closes its socket when it is told the room closed. */
    private volatile boolean closeWhenKicked;
    /** The share of students who chat while the teacher sends ({@code --chat-percent}), each once every {@code --chat-every-ms}. */
    private final double chatPercent;
    private final int chatEveryMs;
    /** How many classes of the server's heap histogram to print per connection (0: none). */
    private final int histogramTop;
    /** Until when (System.nanoTime) the chatters chat: set by the first of the teacher's messages to arrive, 0 before. */
    private final AtomicLong chatUntil = new AtomicLong();
    private final List<Student> chatters = new ArrayList<>();
    /** Chat frames' ids start here, so their replies are told apart. */
    private static final int CHAT_IDS = 1_000_000;
    /** Replies to chat ({@code sent} or the error's code), chat items that reached students, and items the server said it left out. */
    private final Map<String, AtomicLong> chatReplies = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong chatItems = new AtomicLong();
    private final AtomicLong chatDropped = new AtomicLong();
    private final AtomicLong chatSent = new AtomicLong();
    /** Acks the students sent, at the pace the server asked for. */
    private final AtomicLong acksSent = new AtomicLong();
    private static final String DROPPED = "\"dropped\":";
    /** The room's ack pace, in {@code joined} and in each ack's reply. */
    private static final String ACK_EVERY = "\"ackEveryMs\":";
    private static final String CHAT_ITEM = "\"kind\":\"chat\"";
    private static final String KICKED = "\"type\":\"kicked\"";
    /** Every student welcomed so far: they heartbeat from then on. */
    private final java.util.Queue<Student> beating = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private PushLoad(Map<String, String> args) {
        nodes = java.util.Arrays.stream(args.getOrDefault("urls", args.getOrDefault("url", "http://localhost:9080/")).split(","))
                .map(String::trim).map(URI::create).toList();
        base = nodes.get(0);
        part = Integer.parseInt(args.getOrDefault("part", "-1"));
        parts = Integer.parseInt(args.getOrDefault("parts", "1"));
        meeting = part >= 0 ? Path.of(args.get("meeting")) : null;
        int all = Integer.parseInt(args.getOrDefault("students", "1000"));
        int share = all / parts;
        students = part == parts - 1 ? all - share * (parts - 1) : part >= 0 ? share : all;
        firstUin = 100_000L + Math.max(0, part) * (long) share;
        rate = Integer.parseInt(args.getOrDefault("rate", "5"));
        seconds = Integer.parseInt(args.getOrDefault("seconds", "30"));
        warmup = Integer.parseInt(args.getOrDefault("warmup", "15"));
        connecting = Integer.parseInt(args.getOrDefault("connecting", "200"));
        room = args.getOrDefault("room", "load-" + System.currentTimeMillis());
        scenario = args.getOrDefault("scenario", "push");
        spreadMs = Integer.parseInt(args.getOrDefault("spread-ms", "2000"));
        ackMs = Integer.parseInt(args.getOrDefault("ack-ms", "1000"));
        stay = Integer.parseInt(args.getOrDefault("stay", "140"));
        joinSpreadMs = Integer.parseInt(args.getOrDefault("join-spread-ms", "10000"));
        int next = Integer.parseInt(args.getOrDefault("next", "0"));
        nextPerPart = next / parts;
        nextShare = part < 0 ? 0 : part == parts - 1 ? next - nextPerPart * (parts - 1) : nextPerPart;
        bell = args.getOrDefault("bell", "sockets");
        goodbye = args.getOrDefault("goodbye", "close");
        if (!List.of("close", "bye").contains(goodbye)) {
            throw new IllegalArgumentException("--goodbye is close or bye: " + goodbye);
        }
        if (!List.of("sockets", "room-close").contains(bell)) {
            throw new IllegalArgumentException("--bell is sockets or room-close: " + bell);
        }
        chatPercent = Double.parseDouble(args.getOrDefault("chat-percent", "0"));
        chatEveryMs = Integer.parseInt(args.getOrDefault("chat-every-ms", "5000"));
        histogramTop = Integer.parseInt(args.getOrDefault("histogram", "0"));
        serverPids = args.containsKey("server-pid")
                ? java.util.Arrays.stream(args.get("server-pid").split(",")).map(String::trim).map(Long::valueOf).toList()
                : part > 0 ? List.of() : libertyPids();
        serverPid = serverPids.isEmpty() ? 0 : serverPids.get(0);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("options are --name value pairs: " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        if (Integer.parseInt(args.getOrDefault("processes", "1")) > 1) {
            LoadFleet.run(args);
            System.exit(0);
        }
        PushLoad load = new PushLoad(args);
        try {
            load.run();
        } finally {
            load.ws.stop();
            load.timers.shutdownNow();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        say("Ketang at %s, room %s: %d students, %d important msgs/s for %d s", nodes.size() == 1 ? base : nodes, room, students,
                rate, seconds);
        String service = token(900, "service");
        if (part < 0) { // a fleet's parts join the room the fleet made
            expect(post("/api/v1/rooms", "{\"room\":\"" + room + "\",\"title\":\"load\",\"teacherUin\":1}", service), 201);
            expect(post("/api/v1/rooms/" + room + "/open", "", service), 200);
        }
        ws.setIdleTimeout(Duration.ofMinutes(5));
        ws.start();

        long heapBefore = serverHeapKb();
        Map<String, long[]> histogramBefore = histogramTop > 0 && part < 0 ? HeapHistogram.read(serverPid) : Map.of();
        List<String> tokens = studentTokens(firstUin, students);
        if (nextShare > 0) { // the next class holds its tokens before the first joins
            nextTokens = studentTokens(nextFirstUin(), nextShare);
            nextTeacherToken = part == 0 ? token(2, "teacher") : null;
        }
        // as a real client does: heartbeats from the welcome on, also while the others still connect, and acks
        timers.scheduleAtFixedRate(this::heartbeat, 1, 1, TimeUnit.SECONDS);
        if (ackMs > 0) {
            timers.scheduleAtFixedRate(this::ack, ackMs / 10, Math.max(1, ackMs / 10), TimeUnit.MILLISECONDS);
        }
        if ("joins".equals(scenario)) {
            joinStorm(tokens);
            return;
        }
        joined.addAll(connectAll(tokens, room, firstUin, 0));
        if (chatPercent > 0) {
            int every = (int) Math.max(1, Math.round(100 / chatPercent));
            for (int i = 0; i < joined.size(); i += every) {
                chatters.add(joined.get(i));
            }
            timers.scheduleAtFixedRate(this::chat, 100, 100, TimeUnit.MILLISECONDS);
            say("%d chatters, each chatting once every %d ms while the teacher sends", chatters.size(), chatEveryMs);
        }
        long heapAfter = serverHeapKb();
        if (histogramTop > 0 && part < 0) {
            say("where a connection's heap goes (live objects with the %d students in and idle, less before; top %d classes):",
                    joined.size(), histogramTop);
            HeapHistogram.perConnection(histogramBefore, HeapHistogram.read(serverPid), joined.size(), histogramTop)
                    .forEach(line -> say("  %s", line));
        }
        if (part >= 0) {
            // written whole, then named: the others wake on the name
            Path tmp = meeting.resolve("tmp-joined-" + part);
            Files.writeString(tmp, Integer.toString(joined.size()));
            Files.move(tmp, meeting.resolve("joined-" + part), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        if (part > 0) {
            listenOnly();
            return;
        }

        Student teacher = new Student(-1, room);
        connect(teacher, token(1, "teacher")).get(30, TimeUnit.SECONDS);
        teacher.joined.await(30, TimeUnit.SECONDS);
        if ("interactions".equals(scenario)) {
            interactions(teacher);
            return;
        }
        if ("class-end".equals(scenario)) {
            classEnd(teacher, service);
            return;
        }
        if (part == 0) {
            say("waiting for the other parts to join …");
            LoadFleet.await(meeting, names -> names.stream().filter(n -> n.startsWith("joined-")).count() == parts,
                    Duration.ofMinutes(30));
        }

        say("sending (server pid %s); the first %d s warm the JIT and are not in the figures",
                serverPid > 0 ? serverPid : "unknown: no CPU or heap figures", warmup);
        long cpuBefore = 0;
        CompletableFuture<Map<String, Long>> countersBefore = CompletableFuture.completedFuture(Map.of());
        long ownCpuBefore = 0;
        long started = System.nanoTime();
        long measuredFrom = started;
        int warming = rate * warmup;
        int total = warming + rate * seconds;
        long every = TimeUnit.SECONDS.toNanos(1) / rate;
        for (int i = 0; i < total; i++) {
            long due = started + i * every;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the sender, not waiting for an outcome
            }
            if (i == warming) {
                countersBefore = serverWrites();
                cpuBefore = serverCpuNanos();
                ownCpuBefore = ownCpuNanos();
                measuredFrom = System.nanoTime();
                deliveriesBefore = deliveries.get();
            }
            teacher.session.sendText("{\"type\":\"send\",\"id\":" + i + ",\"room\":\"" + room
                    + "\",\"kind\":\"signal\",\"body\":{" + (i < warming ? WARMING : MEASURED) + System.nanoTime() + "}}",
                    Callback.NOOP);
            if ((i + 1) % rate == 0 && ((i + 1) / rate) % 5 == 0) {
                say("  %d s%s: %d sent, %d delivered", (i + 1) / rate, i < warming ? " (warm-up)" : "", i + 1,
                        deliveries.get());
            }
        }
        long expected = (long) total * joined.size();
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (deliveries.get() < expected && System.nanoTime() < drainUntil) {
            synchronized (deliveries) {
                deliveries.wait(200);
            }
        }
        double elapsed = (System.nanoTime() - measuredFrom) / 1e9;
        long cpu = serverCpuNanos() - cpuBefore;
        long ownCpu = ownCpuNanos() - ownCpuBefore;
        Map<String, Long> before = countersBefore.join();
        Map<String, Long> after = before.isEmpty() ? Map.of() : serverWrites().join();
        long writes = after.isEmpty() ? -1 : after.get("writes") - before.get("writes");
        long measured = deliveries.get() - deliveriesBefore;
        Histogram h = latency.getIntervalHistogram();

        say("");
        say("students connected    %d (closed during the run: %d%s)", joined.size(), closedEarly.get(),
                closeReasons.isEmpty() ? "" : ", " + closeReasons);
        say("important messages    %d at %d/s (%d of them warm-up)", total, rate, warming);
        say("deliveries            %d of %d expected (%d missing)", deliveries.get(), expected, expected - deliveries.get());
        say("deliveries/s          %.0f (after the warm-up, over %.1f s, drain included)", measured / elapsed, elapsed);
        say("latency ms            p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        if (serverPid > 0) {
            say("server CPU            %.2f cores, %.1f us per delivery", cpu / 1e9 / elapsed,
                    measured == 0 ? 0.0 : cpu / 1e3 / measured);
            if (part < 0) {
                say("server heap           %d KB before, %d KB after connecting: %.1f KB per connection",
                        heapBefore, heapAfter, (heapAfter - heapBefore) / (double) Math.max(1, joined.size()));
            }
        }
        say("load generator CPU    %.2f cores (the same machine: what it uses, the server cannot)", ownCpu / 1e9 / elapsed);
        say("acks                  %d sent by the students, at the server's pace", acksSent.get());
        if (writes > 0) {
            say("socket writes         %d by the server (%.2f deliveries per write; replies and presence included)",
                    writes, measured / (double) writes);
            // a session written asynchronously parks one of Liberty's threads at its client's close
            StringBuilder unpaced = new StringBuilder();
            after.forEach((key, value) -> {
                if (key.startsWith("unpaced ")) {
                    unpaced.append(unpaced.length() == 0 ? "" : ", ").append(key.substring(8)).append(' ')
                            .append(value - before.getOrDefault(key, 0L));
                }
            });
            say("sessions unpaced      %s (went asynchronous over the measured phase, by why)", unpaced);
        }
        sayChat();
        if (part == 0) {
            report(h, expected, Map.of("elapsed-nanos", Long.toString((long) (elapsed * 1e9)), "server-cpu-nanos",
                    Long.toString(cpu), "own-cpu-nanos", Long.toString(ownCpu)));
        }
        if (nodes.size() > 1) {
            // every node must count the whole class, wherever each student is connected
            for (URI node : nodes) {
                try {
                    HttpResponse<String> counts = http.send(HttpRequest.newBuilder(node.resolve("/api/v1/rooms/" + room + "/counts"))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + service).build(),
                            HttpResponse.BodyHandlers.ofString());
                    say("members as %s counts them: HTTP %d %s", node, counts.statusCode(), counts.body());
                } catch (IOException unanswered) {
                    say("members as %s counts them: no answer (%s)", node, unanswered);
                }
            }
        }
        if (part == 0) {
            if (nextShare > 0) {
                // the next class's teacher opens its room before the bell, as a teacher does: at
                // the bell the nodes are busy with the closing class, and a connect can take minutes
                nextTeacher = new Student(-2, room + "-next");
                connect(nextTeacher, nextTeacherToken).get(60, TimeUnit.SECONDS);
                nextTeacher.joined.await(60, TimeUnit.SECONDS);
            }
            Files.writeString(meeting.resolve("done"), "");
            awaitBell();
        }
        leave(teacher);
    }

    /** Class A leaves (the bell); in a fleet with {@code --next}, this part's share of the next class comes in. */
    private void leave(Student teacher) throws Exception {
        joined.forEach(st -> st.leaving = true);
        if (teacher != null) {
            teacher.leaving = true;
            teacher.goodbye();
        }
        joined.forEach(Student::goodbye);
        if (nextShare > 0) {
            nextClass();
        } else {
            closing = true;
        }
    }

    /**
     * A fleet's part other than the first: its students receive what the first part's teacher
     * sends until that part is done, then what is still on its way (30 s at most).
     */
    private void listenOnly() throws Exception {
        say("part %d: %d students in; listening until part 0 is done", part, joined.size());
        long ownCpuBefore = ownCpuNanos();
        long started = System.nanoTime();
        LoadFleet.await(meeting, names -> names.contains("done"), Duration.ofMinutes(60));
        long expected = (long) rate * (warmup + seconds) * joined.size();
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (deliveries.get() < expected && System.nanoTime() < drainUntil) {
            synchronized (deliveries) {
                deliveries.wait(200);
            }
        }
        say("part %d: %d of %d deliveries, closed during the run: %d%s; %d acks sent", part, deliveries.get(), expected,
                closedEarly.get(), closeReasons.isEmpty() ? "" : " " + closeReasons, acksSent.get());
        sayChat();
        report(latency.getIntervalHistogram(), expected, Map.of("own-cpu-nanos", Long.toString(ownCpuNanos() - ownCpuBefore),
                "listened-nanos", Long.toString(System.nanoTime() - started)));
        awaitBell();
        leave(null);
    }

    /** The next class's uins follow on from part to part, from 300,000. */
    private long nextFirstUin() {
        return 300_000L + part * (long) nextPerPart;
    }

    /**
     * A fleet's next class, this part's share: right after the bell its students join room
     * {@code <room>-next} (the fleet made it) over {@code --join-spread-ms}, part 0's with their
     * teacher sending at the rate, and stay until {@code --stay} seconds after the bell. Written
     * for the fleet: who joined, whom the server closed and why (a 4000 is a false kick), what
     * each student never got by push or pull, and the latency.
     */
    private void nextClass() throws Exception {
        long bell = System.nanoTime();
        String roomB = room + "-next";
        closedEarly.set(0);
        closeReasons.clear();
        latency.reset();
        Student teacherB = null;
        Pacer pacer = null;
        if (part == 0) {
            teacherB = nextTeacher;
            pacer = new Pacer(teacherB, "next class");
        }
        List<Student> classB = connectAll(nextTokens, roomB, nextFirstUin(), joinSpreadMs);
        double joinedAfter = (System.nanoTime() - bell) / 1e9;
        long stayUntil = bell + TimeUnit.SECONDS.toNanos(stay);
        while (System.nanoTime() < stayUntil) {
            say("part %d: %.0f s after the bell, next class %d in, closed by the server %d %s", part,
                    (System.nanoTime() - bell) / 1e9, classB.size(), closedEarly.get(), closeReasons);
            TimeUnit.SECONDS.sleep(10); // progress every 10 s while the class stays
        }
        // the newest seq of the next class: part 0's teacher knows it and tells the others
        Path seqFile = meeting.resolve("next-seq");
        if (part == 0) {
            pacer.stop();
            long lastSeq = Math.max(teacherB.held, classB.stream().mapToLong(st -> st.held).max().orElse(-1));
            Path tmp = meeting.resolve("tmp-next-seq");
            Files.writeString(tmp, Long.toString(lastSeq));
            Files.move(tmp, seqFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } else {
            LoadFleet.await(meeting, names -> names.contains("next-seq"), Duration.ofMinutes(10));
        }
        long lastSeq = Long.parseLong(Files.readString(seqFile).trim());
        long[] missed = drainAndCountLost(classB, lastSeq);
        long lost = missed[0];
        long jumped = missed[1];
        closing = true;
        Histogram h = latency.getIntervalHistogram();
        say("part %d: next class %d of %d joined by %.1f s after the bell; closed by the server %d %s; lost %d of seq %d",
                part, classB.size(), nextTokens.size(), joinedAfter, closedEarly.get(), closeReasons, lost, lastSeq);
        java.util.Properties p = new java.util.Properties();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        p.setProperty("latency", java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
        p.setProperty("joined", Integer.toString(classB.size()));
        p.setProperty("invited", Integer.toString(nextTokens.size()));
        p.setProperty("joined-after-nanos", Long.toString((long) (joinedAfter * 1e9)));
        p.setProperty("closed", Long.toString(closedEarly.get()));
        p.setProperty("close-reasons", closeReasons.toString());
        p.setProperty("lost", Long.toString(lost));
        p.setProperty("pulled", Long.toString(jumped));
        p.setProperty("last-seq", Long.toString(lastSeq));
        Path tmp = meeting.resolve("tmp-next-result-" + part);
        try (var out = Files.newBufferedWriter(tmp)) {
            p.store(out, "next class, part " + part);
        }
        Files.move(tmp, meeting.resolve("next-result-" + part), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        classB.forEach(st -> st.session.close());
        if (teacherB != null) {
            teacherB.session.close();
        }
    }

    /** A fleet's parts close their students together, when the fleet rings the bell (it times the end of the class). */
    private void awaitBell() throws Exception {
        say("part %d: waiting for the bell", part);
        LoadFleet.await(meeting, names -> names.contains("bell"), Duration.ofMinutes(10));
    }

    private void sayChat() {
        if (chatPercent > 0) {
            say("chat                  %d sent by %d chatters, replies %s; %d chat items reached students, %d told left out (sampled)",
                    chatSent.get(), chatters.size(), chatReplies, chatItems.get(), chatDropped.get());
        }
    }

    /** This part's figures, for the fleet to add up. */
    private void report(Histogram h, long expected, Map<String, String> more) throws IOException {
        java.util.Properties p = new java.util.Properties();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        p.setProperty("latency", java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
        p.setProperty("joined", Integer.toString(joined.size()));
        p.setProperty("closed", Long.toString(closedEarly.get()));
        p.setProperty("close-reasons", closeReasons.toString());
        p.setProperty("deliveries", Long.toString(deliveries.get()));
        p.setProperty("measured", Long.toString(measuredDeliveries.get()));
        p.setProperty("expected", Long.toString(expected));
        p.setProperty("chat-sent", Long.toString(chatSent.get()));
        p.setProperty("acks-sent", Long.toString(acksSent.get()));
        p.setProperty("chat-admitted", Long.toString(chatReplies.getOrDefault("sent", new AtomicLong()).get()));
        p.setProperty("chat-replies", chatReplies.toString());
        p.setProperty("chat-items", Long.toString(chatItems.get()));
        p.setProperty("chat-dropped", Long.toString(chatDropped.get()));
        more.forEach(p::setProperty);
        Path tmp = meeting.resolve("tmp-result-" + part);
        try (var out = Files.newBufferedWriter(tmp)) {
            p.store(out, "part " + part);
        }
        Files.move(tmp, meeting.resolve("result-" + part), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The interaction storms: every student signs in within the spread, then answers a quiz
     * within it; each is answered on its own, and the teacher's counts at the end must equal the
     * students who were answered.
     */
    private void interactions(Student teacher) throws Exception {
        long cpuBefore = serverCpuNanos();
        long began = System.nanoTime();
        JsonObject opened = teacher.ask(1, "signin.start", "{\"durationSec\":600}");
        say("sign-in opened: %s", opened);
        storm(101, "signin", "{}");
        JsonObject signins = teacher.ask(2, "signin.end", "{}");
        say("sign-in closed: %s", signins.getJsonObject("result"));
        say("teacher's count of signed students %d, students answered %d: %s",
                signins.getJsonObject("result").getInt("signed"), answeredIn(101),
                signins.getJsonObject("result").getInt("signed") == answeredIn(101) ? "equal" : "NOT EQUAL");

        say("quiz opened: %s", teacher.ask(3, "quiz.start", "{\"options\":[\"A\",\"B\",\"C\",\"D\"],\"correct\":\"B\",\"durationSec\":600}"));
        storm(102, "answer", null);
        JsonObject quiz = teacher.ask(4, "quiz.end", "{}");
        say("quiz closed: %s", quiz.getJsonObject("result"));
        say("teacher's count of answers %d, students answered %d: %s", quiz.getJsonObject("result").getInt("answered"),
                answeredIn(102), quiz.getJsonObject("result").getInt("answered") == answeredIn(102) ? "equal" : "NOT EQUAL");
        if (serverPid > 0) {
            say("server CPU over both storms and their ends: %.1f s", (serverCpuNanos() - cpuBefore) / 1e9);
        }
        say("whole scenario %.1f s", (System.nanoTime() - began) / 1e9);
        closing = true;
        joined.forEach(s -> s.session.close());
        teacher.session.close();
    }

    /**
     * The end of a class and the start of the next (issue: a close storm must cost no thread per
     * socket and kick nobody of the next class). Class A runs with the teacher at the rate for the
     * warm-up; at the bell every student of A closes its socket at once; right away a new class
     * of as many students joins another room, started over {@code --join-spread-ms}, with its own
     * teacher at the rate, and stays {@code --stay} seconds (two heartbeat timeouts by default).
     * Prints the server's threads (before, peak), how long A's closes took, B's joins, B's
     * students closed by the server (by code: a 4000 is a false kick) and B's messages lost.
     */
    private void classEnd(Student teacherA, String service) throws Exception {
        String roomB = room + "-next";
        expect(post("/api/v1/rooms", "{\"room\":\"" + roomB + "\",\"title\":\"next class\",\"teacherUin\":2}", service), 201);
        expect(post("/api/v1/rooms/" + roomB + "/open", "", service), 200);
        List<String> tokensB = studentTokens(300_000, students); // the next class holds its tokens already
        Student teacherB = new Student(-2, roomB);
        connect(teacherB, token(2, "teacher")).get(30, TimeUnit.SECONDS);
        teacherB.joined.await(30, TimeUnit.SECONDS);

        Pacer a = new Pacer(teacherA, "class A");
        say("class A: %d students, the teacher at %d msgs/s; the bell rings in %d s", joined.size(), rate, warmup);
        TimeUnit.SECONDS.sleep(warmup); // the class goes on for a while: pacing, not waiting for an outcome
        ThreadWatch threads = new ThreadWatch();
        long threadsBefore = threads.now();

        // the bell: every student of A closes, the teacher too; at once, or each when told the room closed
        a.stop();
        long bell = System.nanoTime();
        for (Student st : joined) {
            st.leaving = true;
        }
        teacherA.leaving = true;
        if ("room-close".equals(this.bell)) {
            closeWhenKicked = true;
            expect(post("/api/v1/rooms/" + room + "/close", "", service), 200);
            say("the bell: room %s closed by the business (%.0f ms); its %d students and teacher %s when their kicked arrives; class B joins",
                    room, (System.nanoTime() - bell) / 1e6, joined.size(), "bye".equals(goodbye) ? "say bye" : "close their sockets");
        } else {
            for (Student st : joined) {
                st.goodbye();
            }
            teacherA.goodbye();
            say("the bell: %d students and their teacher %s; class B joins", joined.size(),
                    "bye".equals(goodbye) ? "say bye" : "close their sockets");
        }

        Pacer b = new Pacer(teacherB, "class B");
        latency.reset();
        List<Student> classB = connectAll(tokensB, roomB, 300_000, joinSpreadMs);
        double joinedAfter = (System.nanoTime() - bell) / 1e9;
        int leavers = joined.size() + 1;
        long stayUntil = bell + TimeUnit.SECONDS.toNanos(stay);
        while (System.nanoTime() < stayUntil) {
            say("  %3.0f s after the bell: server threads %d (peak %d), A closed %d of %d, A's members counted %d, B closed by the server %d %s",
                    (System.nanoTime() - bell) / 1e9, threads.now(), threads.peak(), leavingClosed.get(), leavers,
                    counted(room, service), closedEarly.get(), closeReasons);
            TimeUnit.SECONDS.sleep(5); // progress every 5 s while the class stays
        }
        int stillCountedA = counted(room, service);
        b.stop();
        // the newest seq anyone of class B holds: the teacher's, unless the teacher was cut off
        long lastSeq = Math.max(teacherB.held, classB.stream().mapToLong(st -> st.held).max().orElse(-1));
        if (!teacherB.session.isOpen()) {
            say("class B's teacher was closed by the server during the class");
        }
        long[] missed = drainAndCountLost(classB, lastSeq);
        long lost = missed[0];
        long jumped = missed[1];
        threads.stop();
        Histogram h = latency.getIntervalHistogram();
        say("");
        say("class A               %d students + teacher closed at the bell; %d closes answered, the last %.1f s after it",
                joined.size(), leavingClosed.get(), lastLeavingClosedAt.get() == 0 ? -1 : (lastLeavingClosedAt.get() - bell) / 1e9);
        say("server threads        %d before the bell, peak %d", threadsBefore, threads.peak());
        say("class A members       %d still counted %.0f s after the bell (goal: 0)", stillCountedA, (System.nanoTime() - bell) / 1e9);
        say("class B               %d of %d joined, all in by %.1f s after the bell", classB.size(), tokensB.size(), joinedAfter);
        say("class B closed        %d by the server during %d s %s (goal: no 4000)", closedEarly.get(), stay, closeReasons);
        say("class B messages      last seq %d; lost %d by push and pull (goal: 0); %d came after a later one and were pulled",
                lastSeq, lost, jumped);
        say("class B latency ms    p50 %.1f  p99 %.1f  max %.1f", ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()));
        closing = true;
        classB.forEach(st -> st.session.close());
        teacherB.session.close();
    }

    /**
     * Gives a class up to 15 s to receive everything up to {@code lastSeq}, then counts what its
     * open students never got by push or pull, and what came after a later seq and was pulled.
     */
    private static long[] drainAndCountLost(List<Student> students, long lastSeq) throws InterruptedException {
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < drainUntil && students.stream().anyMatch(st -> st.session.isOpen() && st.held < lastSeq)) {
            TimeUnit.MILLISECONDS.sleep(200); // polling the students' counters, bounded
        }
        long lost = 0;
        long jumped = 0;
        for (Student st : students) {
            if (st.session.isOpen()) {
                lost += st.missing.size() + Math.max(0, lastSeq - st.held);
                jumped += st.gaps;
            }
        }
        return new long[] {lost, jumped};
    }

    /** A teacher sending measured important messages at the rate on its own thread until stopped. */
    private final class Pacer {
        private final Thread thread;
        private volatile boolean running = true;

        Pacer(Student teacher, String name) {
            thread = new Thread(() -> {
                long started = System.nanoTime();
                long every = TimeUnit.SECONDS.toNanos(1) / rate;
                for (int i = 0; running; i++) {
                    long wait = started + i * every - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing the sender
                    }
                    teacher.session.sendText("{\"type\":\"send\",\"id\":" + (1000 + i) + ",\"room\":\"" + teacher.room
                            + "\",\"kind\":\"signal\",\"body\":{" + MEASURED + System.nanoTime() + "}}", Callback.NOOP);
                }
            }, "teacher " + name);
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /** The server's thread count, sampled every 100 ms from /proc, with its peak. */
    private final class ThreadWatch {
        private final AtomicLong peak = new AtomicLong();
        private final java.util.concurrent.ScheduledFuture<?> sampling;

        ThreadWatch() {
            sampling = timers.scheduleAtFixedRate(() -> peak.accumulateAndGet(now(), Math::max), 0, 100, TimeUnit.MILLISECONDS);
        }

        long now() {
            if (serverPid <= 0) {
                return 0;
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(serverPid), "status"))) {
                    if (line.startsWith("Threads:")) {
                        return Long.parseLong(line.substring(8).trim());
                    }
                }
            } catch (IOException gone) {
                return 0;
            }
            return 0;
        }

        long peak() {
            return peak.get();
        }

        void stop() {
            sampling.cancel(false);
        }
    }

    private final Map<Integer, Long> answeredByStorm = new java.util.concurrent.ConcurrentHashMap<>();

    private int answeredIn(int storm) {
        return answeredByStorm.getOrDefault(storm, 0L).intValue();
    }

    /** Every student sends one frame of the kind, spread evenly over the spread; waits for the replies. */
    private void storm(int id, String kind, String body) throws Exception {
        replies.clear();
        replyTimes.reset();
        lastReplyAt.set(0);
        stormId = id;
        String[] choices = {"A", "B", "C", "D"};
        long start = System.nanoTime();
        long every = TimeUnit.MILLISECONDS.toNanos(spreadMs) / Math.max(1, joined.size());
        for (int i = 0; i < joined.size(); i++) {
            long due = start + i * every;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the senders, not waiting for an outcome
            }
            Student s = joined.get(i);
            String b = body != null ? body : "{\"choice\":\"" + choices[i % 4] + "\"}";
            s.askedAt = System.nanoTime();
            s.session.sendText("{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + room + "\",\"kind\":\"" + kind
                    + "\",\"body\":" + b + "}", Callback.from(() -> { }, failure -> sendFailures.incrementAndGet()));
        }
        long sentIn = System.nanoTime() - start;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (replies.values().stream().mapToLong(AtomicLong::get).sum() < joined.size() && System.nanoTime() < until) {
            synchronized (replies) {
                replies.wait(100);
            }
        }
        long got = replies.values().stream().mapToLong(AtomicLong::get).sum();
        double seconds = (lastReplyAt.get() - start) / 1e9;
        Histogram h = replyTimes.getIntervalHistogram();
        answeredByStorm.put(id, replies.getOrDefault("answered", new AtomicLong()).get());
        say("");
        say("students closed so far by the server: %d %s", closedEarly.get(), closeReasons);
        say("%s storm: %d students sent within %.2f s; %d replies (%s) in %.2f s: %.0f answered/s",
                kind, joined.size(), sentIn / 1e9, got, replies, seconds, got / Math.max(0.001, seconds));
        say("reply ms              p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (missing replies: %d; frames the client failed to send: %d)",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()),
                joined.size() - got, sendFailures.getAndSet(0));
        stormId = 0;
    }

    /** The digits from {@code from} on, as a number: cheaper than a regex at 50,000 frames a second. */
    private static long stamp(String text, int from) {
        long value = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---------------------------------------------------------------- students

    public final class Student implements Session.Listener.AutoDemanding {
        final long uin;
        final String room;
        final CountDownLatch joined = new CountDownLatch(1);
        volatile Session session;
        volatile boolean welcomed;
        /** The highest seq held (messages arrive in order on one socket) and the last one acked, as the reference client does. */
        volatile long held = -1;
        volatile long acked = -1;
        /** How often to ack (the server's pace for the room, at least {@code --ack-ms}), and when next (System.nanoTime). */
        volatile long ackEveryMs;
        volatile long nextAckAt;
        /** Seqs that came out of order (a jump), and those of them not pulled yet. */
        volatile long gaps;
        final java.util.Set<Long> missing = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Set when the student closes on purpose (the bell): its close is expected, and timed. */
        volatile boolean leaving;
        volatile long connectingSince;
        /** How the server closed this socket before the student joined, if it did. */
        volatile String closedBeforeJoin;
        /** When (System.nanoTime) the socket opened, the hello went out and the socket closed: where a handshake waited. */
        volatile long openedAt;
        volatile long helloSentAt;
        volatile long closedAt;
        /** Chat frames this student sent. */
        int chats;

        Student(long uin, String room) {
            this.uin = uin;
            this.room = room;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            openedAt = System.nanoTime();
            session = s;
        }

        /** Leaves for good, as {@code --goodbye} says: closes its socket, or says bye and the server closes it. */
        void goodbye() {
            if ("bye".equals(PushLoad.this.goodbye)) {
                session.sendText("{\"type\":\"bye\"}", Callback.NOOP);
            } else {
                session.close(1000, "class over", Callback.NOOP);
            }
        }

        /** When this student sent the current storm's frame (System.nanoTime). */
        volatile long askedAt;
        /** The teacher's replies by frame id. */
        final Map<Integer, CompletableFuture<JsonObject>> answers = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onWebSocketText(String text) {
            if (joined.getCount() > 0) {
                handshake(text);
                return;
            }
            if (closeWhenKicked && leaving && text.indexOf(KICKED) >= 0) {
                goodbye();
                return;
            }
            if (text.indexOf("\"msg\"") >= 0) {
                noteSeqs(text);
            }
            if (text.indexOf("\"batch\"") >= 0) {
                countChat(text);
            }
            int pace = text.indexOf(ACK_EVERY);
            if (pace >= 0) {
                ackEveryMs = Math.max(ackMs, stamp(text, pace + ACK_EVERY.length()));
            }
            if ((stormId > 0 || uin < 0 || chatUntil.get() != 0) && (text.contains("\"sent\"") || text.contains("\"error\""))) {
                replied(text);
            }
            if (uin < 0 || text.indexOf("\"msg\"") < 0) {
                return;
            }
            long now = System.nanoTime();
            int n = 0;
            // one frame may carry several messages (a "frames" envelope): each has one stamp
            for (int at = text.indexOf(MEASURED); at >= 0; at = text.indexOf(MEASURED, at + 1)) {
                record(latency, now - stamp(text, at + MEASURED.length()));
                n++;
            }
            if (n > 0) {
                measuredDeliveries.addAndGet(n);
            }
            if (chatPercent > 0 && chatUntil.get() == 0 && text.indexOf(SEQ) >= 0) {
                // the teacher started: chat for as long as the teacher sends
                chatUntil.compareAndSet(0, now + TimeUnit.SECONDS.toNanos(warmup + seconds));
            }
            for (int at = text.indexOf(WARMING); at >= 0; at = text.indexOf(WARMING, at + 1)) {
                n++;
            }
            if (n > 0 && deliveries.addAndGet(n) % 1000 < n) {
                synchronized (deliveries) {
                    deliveries.notifyAll();
                }
            }
        }

        /**
         * Each important message's seq, pushed or pulled: one past the last held; or a jump, whose
         * missing seqs are pulled as the reference client does; or one of those coming back.
         */
        private void noteSeqs(String text) {
            for (int at = text.indexOf(SEQ); at >= 0; at = text.indexOf(SEQ, at + 1)) {
                long seq = stamp(text, at + SEQ.length());
                if (held >= 0 && seq > held + 1) {
                    gaps += seq - held - 1;
                    for (long m = held + 1; m < seq; m++) {
                        missing.add(m);
                    }
                    session.sendText("{\"type\":\"pull\",\"room\":\"" + room + "\",\"after\":" + held + ",\"limit\":"
                            + Math.min(500, seq - held - 1) + "}", Callback.NOOP);
                }
                if (seq > held) {
                    held = seq;
                } else {
                    missing.remove(seq);
                }
            }
        }

        /** A reply to the storm's frame (or, for the teacher, to any of its frames). */
        private void replied(String text) {
            long now = System.nanoTime();
            JsonObject frame = JSON.createReader(new StringReader(text)).readObject();
            List<JsonObject> inner = "frames".equals(frame.getString("type", ""))
                    ? frame.getJsonArray("frames").getValuesAs(JsonObject.class) : List.of(frame);
            for (JsonObject f : inner) {
                String type = f.getString("type", "");
                if (!f.containsKey("id") || !("sent".equals(type) || "error".equals(type))) {
                    continue;
                }
                int id = f.getInt("id");
                if (uin < 0) {
                    answers.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(f);
                } else if (id >= CHAT_IDS) {
                    chatReplies.computeIfAbsent("sent".equals(type) ? "sent" : f.getString("code"), k -> new AtomicLong()).incrementAndGet();
                } else if (id == stormId) {
                    record(replyTimes, now - askedAt);
                    replies.computeIfAbsent("sent".equals(type) ? "answered" : f.getString("code"), k -> new AtomicLong()).incrementAndGet();
                    lastReplyAt.accumulateAndGet(now, Math::max);
                }
            }
        }

        /** Chat items in a batch (or several, in a {@code frames} envelope), and what the server said it left out of them. */
        private void countChat(String text) {
            long items = 0;
            for (int at = text.indexOf(CHAT_ITEM); at >= 0; at = text.indexOf(CHAT_ITEM, at + 1)) {
                items++;
            }
            long dropped = 0;
            for (int at = text.indexOf(DROPPED); at >= 0; at = text.indexOf(DROPPED, at + 1)) {
                dropped += stamp(text, at + DROPPED.length());
            }
            chatItems.addAndGet(items);
            chatDropped.addAndGet(dropped);
        }

        /** Sends a frame of the teacher's and waits for its reply. */
        JsonObject ask(int id, String kind, String body) throws Exception {
            CompletableFuture<JsonObject> reply = answers.computeIfAbsent(id, k -> new CompletableFuture<>());
            session.sendText("{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + room + "\",\"kind\":\"" + kind
                    + "\",\"body\":" + body + "}", Callback.NOOP);
            return reply.get(60, TimeUnit.SECONDS);
        }

        private void handshake(String text) {
            JsonObject frame = JSON.createReader(new StringReader(text)).readObject();
            String type = frame.getString("type", "");
            if ("frames".equals(type)) {
                // several frames in one write (a write was in flight when they were queued): joined
                // may be among them, and what follows it is handled as after the join
                for (JsonObject inner : frame.getJsonArray("frames").getValuesAs(JsonObject.class)) {
                    onWebSocketText(inner.toString());
                }
                return;
            }
            if ("welcome".equals(type)) {
                welcomed = true;
                beating.add(this);
                session.sendText("{\"type\":\"join\",\"id\":1,\"room\":\"" + room + "\"}", Callback.NOOP);
            } else if ("joined".equals(type)) {
                held = frame.getJsonNumber("seq").longValue();
                acked = held;
                ackEveryMs = Math.max(ackMs, frame.getJsonNumber("ackEveryMs") == null ? 0 : frame.getJsonNumber("ackEveryMs").longValue());
                // the first ack at a random point of the interval, so a class's acks stay spread out
                nextAckAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.max(1, ackEveryMs)));
                if (connectingSince > 0) {
                    record(joinTimes, System.nanoTime() - connectingSince);
                }
                joined.countDown();
            } else if ("error".equals(type)) {
                say("uin %d refused: %s", uin, text);
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // a socket closed under a send at the end of the run; the close callback counts it
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            if (leaving) {
                leavingClosed.incrementAndGet();
                lastLeavingClosedAt.accumulateAndGet(System.nanoTime(), Math::max);
                return;
            }
            if (joined.getCount() > 0) {
                closedAt = System.nanoTime();
                closedBeforeJoin = code + " " + reason;
            }
            if (joined.getCount() == 0 && !closing) {
                closedEarly.incrementAndGet();
                closeReasons.computeIfAbsent(code + " " + reason, k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    private List<String> studentTokens(long firstUin, int count) throws Exception {
        List<CompletableFuture<String>> pending = new ArrayList<>(count);
        Semaphore inFlight = new Semaphore(32);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            CompletableFuture<String> t = tokenAsync(firstUin + i, "student");
            t.whenComplete((ok, e) -> inFlight.release());
            pending.add(t);
            if ((i + 1) % 2000 == 0) {
                say("  %d tokens", i + 1);
            }
        }
        List<String> tokens = new ArrayList<>(count);
        for (CompletableFuture<String> t : pending) {
            tokens.add(t.get(60, TimeUnit.SECONDS));
        }
        return tokens;
    }

    /**
     * A join storm: every student connects, says hello and joins the one room, started evenly over
     * {@code --join-spread-ms} with at most {@code --connecting} in flight; prints joins per second,
     * join times (connect to {@code joined}) and the server's CPU per join. It starts once the
     * server is quiet, so that nothing left over from minting the tokens (a real storm's tokens
     * are minted elsewhere) counts as the storm's.
     */
    private void joinStorm(List<String> tokens) throws Exception {
        awaitQuietServer();
        long cpuBefore = serverCpuNanos();
        long started = System.nanoTime();
        List<Student> in = connectAll(tokens, room, 100_000, joinSpreadMs);
        double seconds = (System.nanoTime() - started) / 1e9;
        long cpu = serverCpuNanos() - cpuBefore;
        say("join storm: %d of %d joined in %.1f s (%.0f joins/s), server CPU %.1f s (%.0f µs per join)",
                in.size(), tokens.size(), seconds, in.size() / seconds, cpu / 1e9, in.isEmpty() ? 0.0 : cpu / 1e3 / in.size());
        closing = true;
        in.forEach(st -> st.session.close(1000, "storm over", Callback.NOOP));
    }

    /**
     * Samples the server's CPU every half second until it uses under a tenth of a core over one
     * sample, for at most 60 s; says how long that took and how busy it still was.
     */
    private void awaitQuietServer() throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        double cores;
        do {
            long cpu = serverCpuNanos();
            long at = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(500); // a sampling interval, not a wait for an outcome
            cores = (serverCpuNanos() - cpu) / (double) (System.nanoTime() - at);
        } while (cores >= 0.1 && System.nanoTime() < deadline);
        say("server quiet after %.1f s (%.2f cores)", (System.nanoTime() - start) / 1e9, cores);
    }

    /**
     * Connects and joins every student to the room, at most {@code connecting} at a time, started
     * evenly over {@code spreadMs} (0: as fast as that allows); the students who joined.
     */
    private List<Student> connectAll(List<String> tokens, String room, long firstUin, long spreadMs) throws Exception {
        say("connecting %d students to %s (%d at a time%s)", tokens.size(), room, connecting,
                spreadMs > 0 ? ", started over " + spreadMs + " ms" : "");
        Semaphore inFlight = new Semaphore(connecting);
        List<Student> all = new ArrayList<>(tokens.size());
        long start = System.nanoTime();
        long every = TimeUnit.MILLISECONDS.toNanos(spreadMs) / Math.max(1, tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            long wait = start + i * every - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the joins, not waiting for an outcome
            }
            inFlight.acquire();
            Student s = new Student(firstUin + i, room);
            s.connectingSince = System.nanoTime();
            all.add(s);
            connect(s, tokens.get(i)).whenComplete((ok, e) -> {
                if (e != null) {
                    inFlight.release();
                    say("uin %d could not connect: %s", s.uin, e);
                } else {
                    CompletableFuture.runAsync(() -> {
                        try {
                            s.joined.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            });
            if ((i + 1) % 1000 == 0) {
                say("  %d connecting, %.1f s", i + 1, (System.nanoTime() - start) / 1e9);
            }
        }
        inFlight.acquire(connecting);
        List<Student> in = all.stream().filter(s -> s.joined.getCount() == 0).toList();
        Histogram h = joinTimes.getIntervalHistogram();
        say("%d of %d joined in %.1f s (join ms p50 %.0f  p99 %.0f  max %.0f)", in.size(), tokens.size(),
                (System.nanoTime() - start) / 1e9, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
        if (in.size() < all.size()) {
            // what became of the others: where each one's handshake stopped
            Map<String, Long> stuck = all.stream().filter(s -> s.joined.getCount() > 0).collect(java.util.stream.Collectors.groupingBy(
                    s -> s.session == null ? "never opened"
                            : s.closedBeforeJoin != null ? "closed " + s.closedBeforeJoin
                            : s.welcomed ? "welcomed, no joined" : "open, no welcome",
                    java.util.stream.Collectors.counting()));
            say("  not joined: %s", stuck);
            // System.nanoTime is one clock for every process of this machine: a hello sent long
            // before its close waited in the server, one sent late waited here
            all.stream().filter(s -> s.joined.getCount() > 0 && s.closedAt != 0 && s.helloSentAt != 0).limit(20).forEach(s ->
                    say("    closed %s: opened -> hello sent %d ms, hello sent -> closed %d ms", s.closedBeforeJoin,
                            TimeUnit.NANOSECONDS.toMillis(s.helloSentAt - s.openedAt), TimeUnit.NANOSECONDS.toMillis(s.closedAt - s.helloSentAt)));
        }
        return in;
    }

    /** Records a duration, held within the histograms' range (a clock read out of order counts 0). */
    private static void record(Recorder recorder, long nanos) {
        recorder.recordValue(Math.min(Math.max(0, nanos), LONGEST_NANOS));
    }

    private CompletableFuture<Session> connect(Student s, String token) throws IOException {
        // students take the nodes in turn; the teacher (a negative uin) is on the first
        URI node = s.uin < 0 ? base : nodes.get((int) (s.uin % nodes.size()));
        URI endpoint = URI.create(node.toString().replaceFirst("^http", "ws")).resolve("/ws");
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Origin", node.getScheme() + "://" + node.getHost() + ":" + node.getPort());
        return ws.connect(s, endpoint, upgrade).thenApply(session -> {
            s.helloSentAt = System.nanoTime();
            session.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\",\"terminal\":\"app\",\"client\":\"ketang-load/1\"}",
                    Callback.NOOP);
            return session;
        });
    }

    /**
     * Each student acks what it holds once per its ack interval (the server's pace for the room,
     * which grows with a large class), when it holds something new; checked every tenth of
     * {@code --ack-ms}, and each student's turns spread over its interval from its join on.
     */
    private void ack() {
        long now = System.nanoTime();
        for (Student student : beating) {
            if (student.nextAckAt == 0 || now < student.nextAckAt) {
                continue;
            }
            student.nextAckAt = now + TimeUnit.MILLISECONDS.toNanos(student.ackEveryMs);
            Session s = student.session;
            long held = student.held;
            if (held > student.acked && s != null && s.isOpen() && !student.leaving) {
                s.sendText("{\"type\":\"ack\",\"room\":\"" + student.room + "\",\"seq\":" + held + "}", Callback.NOOP);
                student.acked = held;
                acksSent.incrementAndGet();
            }
        }
    }

    private long chatTicks;

    /** Each chatter says something once every {@code --chat-every-ms}, spread over it in ticks of 100 ms. */
    private void chat() {
        long until = chatUntil.get();
        if (until == 0 || System.nanoTime() > until) {
            return;
        }
        int ticks = Math.max(1, chatEveryMs / 100);
        long tick = chatTicks++ % ticks;
        for (int i = 0; i < chatters.size(); i++) {
            Student student = chatters.get(i);
            Session s = student.session;
            if (i % ticks == tick && s != null && s.isOpen()) {
                s.sendText("{\"type\":\"send\",\"id\":" + (CHAT_IDS + student.chats++) + ",\"room\":\"" + student.room
                        + "\",\"kind\":\"chat\",\"body\":{\"text\":\"question " + student.chats + "\"}}", Callback.NOOP);
                chatSent.incrementAndGet();
            }
        }
    }

    private long heartbeatTicks;

    /**
     * Every socket beats every 20 s, a twentieth of them each second, so the server sees a steady
     * stream. The slot comes from a tick count, not the wall clock: a late timer runs its missed
     * ticks back to back within one second, and by the clock those would all pick the same slot
     * and skip others (2,250 of 15,000 students were timed out that way).
     */
    private void heartbeat() {
        long slot = heartbeatTicks++ % 20;
        int i = 0;
        for (Student student : beating) {
            if (i++ % 20 == slot) {
                Session s = student.session;
                if (s != null && s.isOpen()) {
                    s.sendText("{\"type\":\"hb\"}", Callback.NOOP);
                }
            }
        }
    }

    // ---------------------------------------------------------------- HTTP and the server process

    private String token(long uin, String role) throws Exception {
        return tokenAsync(uin, role).get(30, TimeUnit.SECONDS);
    }

    private CompletableFuture<String> tokenAsync(long uin, String role) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/dev/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"uin\":" + uin + ",\"bid\":\"load\",\"role\":\"" + role + "\"}"))
                .build();
        // once more on a fresh connection when the server closed an idle kept-alive one as the
        // request went out ("header parser received no bytes"): minting changes nothing, so a retry is safe
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .exceptionallyCompose(e -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .thenApply(r -> {
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("dev token: HTTP " + r.statusCode() + " (are dev tokens enabled?)");
                    }
                    return JSON.createReader(new StringReader(r.body())).readObject().getString("token");
                });
    }

    /** The members the node counts in the room ({@code /counts}), -1 when it does not answer within 10 s. */
    private int counted(String room, String service) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/rooms/" + room + "/counts"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + service).build(),
                    HttpResponse.BodyHandlers.ofString());
            int at = r.body().indexOf("\"total\":");
            return r.statusCode() == 200 && at >= 0 ? Integer.parseInt(r.body().substring(at + 8).split("[,}]")[0].trim()) : -1;
        } catch (IOException unanswered) {
            return -1;
        }
    }

    private static final Pattern SOCKET_WRITES = Pattern.compile("(?m)^ketang_gateway_socket_writes\\{[^}]*\\} ([0-9.E]+)");
    private static final Pattern UNPACED = Pattern.compile("(?m)^ketang_gateway_unpaced\\{[^}]*reason=\"([a-z_]+)\"[^}]*\\} ([0-9.E]+)");

    /** Text frames the nodes wrote to sockets so far (their {@code ketang_gateway_socket_writes}), 0 when not told. */
    /**
     * The servers' socket-write counters, summed (key {@code writes}), and how many sessions went
     * unpaced by why (keys {@code unpaced <reason>}); empty when a node did not say. Asked
     * asynchronously: a node a minute behind answers its metrics late, and the teacher's sending
     * must not wait for it.
     */
    private CompletableFuture<Map<String, Long>> serverWrites() {
        List<CompletableFuture<Map<String, Long>>> counts = nodes.stream()
                .map(node -> http.sendAsync(HttpRequest.newBuilder(node.resolve("/metrics?scope=application"))
                                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> {
                            Map<String, Long> found = new HashMap<>();
                            Matcher writes = SOCKET_WRITES.matcher(r.body());
                            if (r.statusCode() != 200 || !writes.find()) {
                                return Map.<String, Long>of();
                            }
                            found.put("writes", (long) Double.parseDouble(writes.group(1)));
                            for (Matcher unpaced = UNPACED.matcher(r.body()); unpaced.find(); ) {
                                found.put("unpaced " + unpaced.group(1), (long) Double.parseDouble(unpaced.group(2)));
                            }
                            return found;
                        })
                        .exceptionally(e -> Map.of()))
                .toList();
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Long> sum = new java.util.TreeMap<>();
            for (CompletableFuture<Map<String, Long>> node : counts) {
                if (node.join().isEmpty()) {
                    return Map.of();
                }
                node.join().forEach((key, value) -> sum.merge(key, value, Long::sum));
            }
            return sum;
        });
    }

    private HttpResponse<String> post(String path, String json, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> reply, int status) {
        if (reply.statusCode() != status) {
            throw new IllegalStateException(reply.request().uri() + ": HTTP " + reply.statusCode() + " " + reply.body());
        }
    }

    /**
     * The pids of the local Liberty servers {@code ketang}, {@code ketang-2}… ({@code mvn -Prun package
     * [-Dketang.nodes=N]} runs them), the first server's first; empty when none is found.
     */
    static List<Long> libertyPids() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("ws-server.jar")).orElse(false))
                .map(p -> java.util.Map.entry(p.pid(), p.info().arguments().map(a -> java.util.Arrays.stream(a)
                        .filter(arg -> arg.equals("ketang") || arg.matches("ketang-\\d+")).findFirst().orElse("")).orElse("")))
                .filter(e -> !e.getValue().isEmpty())
                .sorted(java.util.Map.Entry.comparingByValue())
                .map(java.util.Map.Entry::getKey).toList();
    }

    /** CPU time the server process used so far (user + system), from /proc. */
    private long serverCpuNanos() throws IOException {
        long ticks = 0;
        for (long pid : serverPids) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        }
        return ticks * 10_000_000L; // 100 ticks per second on Linux
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The servers' heap in use after a full collection, summed over the nodes, in KB (0 when none is known). */
    private long serverHeapKb() throws Exception {
        // a fleet measures the heap itself, once every part has joined
        return part >= 0 ? 0 : heapKb(serverPids);
    }

    /** The heap in use after a full collection, summed over the processes, in KB. */
    static long heapKb(List<Long> pids) throws Exception {
        long kb = 0;
        for (long pid : pids) {
            jcmd(pid, "GC.run");
            Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            while (m.find()) {
                kb += Long.parseLong(m.group(1));
            }
        }
        return kb;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}
