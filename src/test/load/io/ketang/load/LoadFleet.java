package io.ketang.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

/**
 * One class spread over several load-generator processes ({@code --processes N}): a process may
 * hold 20,000 open files on this machine, so 60,000 students need at least four. The fleet makes
 * the room, starts N {@link PushLoad} parts (each its own block of students over the same
 * {@code --urls}; part 0 also has the teacher and reads the servers' CPU), measures the servers'
 * heap once every part has joined, and adds the parts' figures up: deliveries, losses, closes and
 * one latency histogram merged from theirs (every part stamps and reads {@code System.nanoTime},
 * which is the machine's monotonic clock for every process on Linux).
 */
final class LoadFleet {

    private LoadFleet() {
    }

    static void run(Map<String, String> args) throws Exception {
        int processes = Integer.parseInt(args.get("processes"));
        int students = Integer.parseInt(args.getOrDefault("students", "1000"));
        String room = args.getOrDefault("room", "load-" + System.currentTimeMillis());
        URI base = URI.create(args.getOrDefault("urls", args.getOrDefault("url", "http://localhost:9080/")).split(",")[0].trim());
        say("fleet: %d students in room %s over %d processes", students, room, processes);

        // HTTP/1.1: the JDK client asks for h2c, and Liberty under load answers a long-lived HTTP/2 connection with GOAWAY
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String service = devToken(http, base, 900, "service");
        post(http, base, "/api/v1/rooms", "{\"room\":\"" + room + "\",\"title\":\"load\",\"teacherUin\":1}", service, 201);
        post(http, base, "/api/v1/rooms/" + room + "/open", "", service, 200);
        int next = Integer.parseInt(args.getOrDefault("next", "0"));
        if (next > 0) { // the next class's room, which the parts join at the bell
            post(http, base, "/api/v1/rooms", "{\"room\":\"" + room + "-next\",\"title\":\"next class\",\"teacherUin\":2}", service, 201);
            post(http, base, "/api/v1/rooms/" + room + "-next/open", "", service, 200);
        }
        List<Long> servers = PushLoad.libertyPids();
        long heapBefore = PushLoad.heapKb(servers);

        Path meeting = Files.createTempDirectory("ketang-load-");
        List<Process> parts = new ArrayList<>();
        // the parts compile as this process does (-Dload.jvm); their heap comes from JAVA_TOOL_OPTIONS
        List<String> jitFlags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(flag -> flag.startsWith("-XX:")).toList();
        for (int part = 0; part < processes; part++) {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(jitFlags);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), PushLoad.class.getName()));
            args.forEach((name, value) -> {
                if (!name.equals("processes") && !name.equals("room")) {
                    command.add("--" + name);
                    command.add(value);
                }
            });
            command.addAll(List.of("--room", room, "--part", Integer.toString(part), "--parts", Integer.toString(processes),
                    "--meeting", meeting.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            parts.add(process);
            echo(process, "[part " + part + "] ");
            // a part that dies voids the run: the others (and this process) stop waiting for it
            int index = part;
            process.onExit().thenAccept(ended -> {
                if (ended.exitValue() != 0) {
                    try {
                        Files.writeString(meeting.resolve(FAILED + index), Integer.toString(ended.exitValue()));
                    } catch (IOException e) {
                        say("cannot note that part %d failed: %s", index, e);
                    }
                }
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> parts.forEach(Process::destroyForcibly)));

        await(meeting, names -> names.stream().filter(n -> n.startsWith("joined-")).count() == processes, Duration.ofMinutes(30));
        long joined = 0;
        for (int part = 0; part < processes; part++) {
            joined += Long.parseLong(Files.readString(meeting.resolve("joined-" + part)).trim());
        }
        long heapAfter = PushLoad.heapKb(servers);
        await(meeting, names -> names.stream().filter(n -> n.startsWith("result-")).count() == processes, Duration.ofMinutes(60));
        String classEnd = classEnd(http, args, room, service, servers, meeting);
        String nextClass = next > 0 ? nextClass(meeting, processes) : "";
        for (Process process : parts) {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }

        Histogram latency = new Histogram(PushLoad.LONGEST_NANOS, 3);
        long deliveries = 0;
        long expected = 0;
        long measured = 0;
        long closed = 0;
        long chatSent = 0;
        long acksSent = 0;
        long chatAdmitted = 0;
        long chatItems = 0;
        long chatDropped = 0;
        List<String> chatReplies = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        Properties first = null;
        for (int part = 0; part < processes; part++) {
            Path result = meeting.resolve("result-" + part);
            if (!Files.exists(result)) {
                say("part %d left no figures (it failed; see its output above)", part);
                continue;
            }
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(result)) {
                p.load(in);
            }
            first = part == 0 ? p : first;
            latency.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(p.getProperty("latency"))), 0));
            deliveries += Long.parseLong(p.getProperty("deliveries"));
            expected += Long.parseLong(p.getProperty("expected"));
            measured += Long.parseLong(p.getProperty("measured"));
            closed += Long.parseLong(p.getProperty("closed"));
            chatSent += Long.parseLong(p.getProperty("chat-sent", "0"));
            acksSent += Long.parseLong(p.getProperty("acks-sent", "0"));
            chatAdmitted += Long.parseLong(p.getProperty("chat-admitted", "0"));
            chatItems += Long.parseLong(p.getProperty("chat-items", "0"));
            chatDropped += Long.parseLong(p.getProperty("chat-dropped", "0"));
            if (!p.getProperty("chat-replies", "{}").equals("{}")) {
                chatReplies.add("part " + part + " " + p.getProperty("chat-replies"));
            }
            if (!p.getProperty("close-reasons").equals("{}")) {
                reasons.add("part " + part + " " + p.getProperty("close-reasons"));
            }
        }
        say("");
        say("fleet of %d processes, room %s", processes, room);
        say("students connected    %d (closed during the run: %d%s)", joined, closed, reasons.isEmpty() ? "" : ", " + reasons);
        say("deliveries            %d of %d expected (%d missing)", deliveries, expected, expected - deliveries);
        if (first != null) {
            double elapsed = Long.parseLong(first.getProperty("elapsed-nanos")) / 1e9;
            long cpu = Long.parseLong(first.getProperty("server-cpu-nanos"));
            say("deliveries/s          %.0f (measured messages, over part 0's %.1f s)", measured / elapsed, elapsed);
            say("server CPU            %.2f cores, %.1f us per delivery (%d server processes)", cpu / 1e9 / elapsed,
                    measured == 0 ? 0.0 : cpu / 1e3 / measured, servers.size());
        }
        say("latency ms            p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f", ms(latency.getValueAtPercentile(50)),
                ms(latency.getValueAtPercentile(90)), ms(latency.getValueAtPercentile(99)), ms(latency.getValueAtPercentile(99.9)),
                ms(latency.getMaxValue()));
        say("server heap           %d KB before, %d KB with everyone in: %.1f KB per connection", heapBefore, heapAfter,
                (heapAfter - heapBefore) / (double) Math.max(1, joined));
        say("acks                  %d sent by the students, at the server's pace", acksSent);
        if (chatSent > 0) {
            say("chat                  %d sent, %d admitted (%s); %d items reached students, %d told left out (sampled)",
                    chatSent, chatAdmitted, chatReplies, chatItems, chatDropped);
        }
        say("%s", classEnd);
        if (!nextClass.isEmpty()) {
            say("%s", nextClass);
        }
    }

    /** The next class ({@code --next N}): the parts' figures once each has stayed its time, added up. */
    private static String nextClass(Path meeting, int processes) throws Exception {
        await(meeting, names -> names.stream().filter(n -> n.startsWith("next-result-")).count() == processes, Duration.ofMinutes(30));
        Histogram latency = new Histogram(PushLoad.LONGEST_NANOS, 3);
        long joined = 0;
        long invited = 0;
        long closed = 0;
        long lost = 0;
        long pulled = 0;
        double joinedAfter = 0;
        long lastSeq = 0;
        List<String> reasons = new ArrayList<>();
        for (int part = 0; part < processes; part++) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(meeting.resolve("next-result-" + part))) {
                p.load(in);
            }
            latency.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(p.getProperty("latency"))), 0));
            joined += Long.parseLong(p.getProperty("joined"));
            invited += Long.parseLong(p.getProperty("invited"));
            closed += Long.parseLong(p.getProperty("closed"));
            lost += Long.parseLong(p.getProperty("lost"));
            pulled += Long.parseLong(p.getProperty("pulled"));
            lastSeq = Long.parseLong(p.getProperty("last-seq"));
            joinedAfter = Math.max(joinedAfter, Long.parseLong(p.getProperty("joined-after-nanos")) / 1e9);
            if (!p.getProperty("close-reasons").equals("{}")) {
                reasons.add("part " + part + " " + p.getProperty("close-reasons"));
            }
        }
        return String.format("next class            %d of %d joined, all in by %.1f s after the bell; closed by the server %d%s (goal: no 4000)%n"
                        + "next class messages   last seq %d; lost %d by push and pull (goal: 0); %d came after a later one and were pulled%n"
                        + "next class latency ms p50 %.1f  p99 %.1f  max %.1f",
                joined, invited, joinedAfter, closed, reasons.isEmpty() ? "" : " " + reasons, lastSeq, lost, pulled,
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()));
    }

    /**
     * The end of the class: every part closes its students at once (the bell); how long until no
     * node counts anyone in the room, and the servers' threads before and at their peak.
     */
    private static String classEnd(HttpClient http, Map<String, String> args, String room, String service, List<Long> servers,
                                   Path meeting) throws Exception {
        List<URI> nodes = java.util.Arrays.stream(args.getOrDefault("urls", args.getOrDefault("url", "http://localhost:9080/")).split(","))
                .map(String::trim).map(URI::create).toList();
        long threadsBefore = threads(servers);
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong(threadsBefore);
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(threads(servers), Math::max), 0, 100, TimeUnit.MILLISECONDS);
        long bell = System.nanoTime();
        Files.writeString(meeting.resolve("bell"), "");
        say("the bell: every part closes its students");
        long deadline = bell + TimeUnit.SECONDS.toNanos(300);
        List<Integer> totals = List.of();
        try {
            while (System.nanoTime() < deadline) {
                List<Integer> now = new ArrayList<>();
                for (URI node : nodes) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.resolve("/api/v1/rooms/" + room + "/counts"))
                                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + service).build(),
                                HttpResponse.BodyHandlers.ofString());
                        String body = r.body();
                        int at = body.indexOf("\"total\":");
                        now.add(r.statusCode() == 200 && at >= 0 ? Integer.parseInt(body.substring(at + 8).split("[,}]")[0].trim()) : -1);
                    } catch (IOException unanswered) {
                        now.add(-1); // a node too busy to answer: asked again next second
                    }
                }
                totals = now;
                say("  %.0f s after the bell: members counted by each node %s, server threads %d (peak %d)",
                        (System.nanoTime() - bell) / 1e9, now, threads(servers), peak.get());
                if (now.stream().allMatch(t -> t == 0)) {
                    break;
                }
                TimeUnit.SECONDS.sleep(1); // polling the nodes' counts, bounded by the deadline
            }
        } finally {
            sampler.shutdownNow();
        }
        double after = (System.nanoTime() - bell) / 1e9;
        return totals.stream().allMatch(t -> t == 0)
                ? String.format("class end             every node counts 0 members %.1f s after the bell; server threads %d before, peak %d",
                        after, threadsBefore, peak.get())
                : String.format("class end             members still counted %.0f s after the bell: %s; server threads %d before, peak %d",
                        after, totals, threadsBefore, peak.get());
    }

    /** The servers' threads, summed, from /proc. */
    private static long threads(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("Threads:")) {
                        sum += Long.parseLong(line.substring(8).trim());
                    }
                }
            } catch (IOException gone) {
                // a server gone
            }
        }
        return sum;
    }

    /** Waits until the meeting directory's file names satisfy {@code ready}, woken by each new file. */
    /** The file a part's exit with an error leaves in the meeting folder ({@code failed-<part>}). */
    static final String FAILED = "failed-";

    /**
     * Waits until the meeting folder holds what {@code ready} asks for; gives up when a part of
     * the fleet has failed (it will never write its share), or after {@code atMost}.
     */
    static void await(Path meeting, Predicate<Set<String>> ready, Duration atMost) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            meeting.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                Set<String> names;
                try (var files = Files.list(meeting)) {
                    names = files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
                }
                if (ready.test(names)) {
                    return;
                }
                List<String> failed = names.stream().filter(n -> n.startsWith(FAILED)).sorted().toList();
                if (!failed.isEmpty()) {
                    throw new IllegalStateException("a part of the fleet failed (" + failed + "; see its output above): the run is void");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("gave up waiting in " + meeting + " (it has " + new TreeSet<>(names) + ")");
                }
                WatchKey key = watch.poll(Math.min(left, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    private static void echo(Process process, String prefix) {
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    System.out.println(prefix + line);
                }
            } catch (IOException gone) {
                // the part ended
            }
        }, "fleet-echo");
        pump.setDaemon(true);
        pump.start();
    }

    private static String devToken(HttpClient http, URI base, long uin, String role) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/dev/tokens")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"uin\":" + uin + ",\"bid\":\"load\",\"role\":\"" + role + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("dev token: HTTP " + r.statusCode() + " (are dev tokens enabled?)");
        }
        String body = r.body();
        int at = body.indexOf("\"token\":\"") + 9;
        return body.substring(at, body.indexOf('"', at));
    }

    private static void post(HttpClient http, URI base, String path, String json, String bearer, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status) {
            throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}
