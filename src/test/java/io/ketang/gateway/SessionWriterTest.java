package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.junit.jupiter.api.Test;

class SessionWriterTest {

    /** A socket whose writes complete when the test says so, as a network would. */
    static final class Socket {
        final List<String> written = new ArrayList<>();
        final List<SendHandler> pending = new ArrayList<>();
        final RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2) {
                        if (!pending.isEmpty()) {
                            throw new IllegalStateException("a second write in flight");
                        }
                        written.add((String) args[0]);
                        pending.add((SendHandler) args[1]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        void completeWrite() {
            pending.remove(0).onResult(new SendResult());
        }
    }

    @Test
    void oneWriteInFlightAndWhatPilesUpGoesOutTogether() {
        Socket socket = new Socket();
        SessionWriter writer = new SessionWriter(socket.remote, 100, w -> { }, w -> { });

        writer.offer("{\"n\":1}");
        writer.offer("{\"n\":2}");
        writer.offer("{\"n\":3}");
        writer.offer("{\"n\":4}");
        assertThat(socket.written).containsExactly("{\"n\":1}");

        socket.completeWrite();
        assertThat(socket.written).hasSize(2);
        JsonObject batch = JSON.createReader(new StringReader(socket.written.get(1))).readObject();
        assertThat(batch.getString("type")).isEqualTo("frames");
        assertThat(batch.getJsonArray("frames").getValuesAs(JsonObject.class))
                .extracting(f -> f.getInt("n")).containsExactly(2, 3, 4);

        socket.completeWrite();
        assertThat(socket.pending).isEmpty();
        assertThat(writer.queued()).isZero();
    }

    @Test
    void aBroadcastLeavesTheWriteToLaterAndWhatPilesUpMeanwhileGoesOutInOneWrite() {
        Socket socket = new Socket();
        List<SessionWriter> asked = new ArrayList<>();
        SessionWriter writer = new SessionWriter(socket.remote, 100, w -> { }, asked::add);

        assertThat(writer.offerLater("{\"n\":1}")).isTrue();
        assertThat(writer.offerLater("{\"n\":2}")).isTrue();
        assertThat(socket.written).isEmpty();
        assertThat(asked).hasSize(1); // asked once, however many frames wait

        asked.remove(0).flush();
        assertThat(socket.written).hasSize(1);
        JsonObject batch = JSON.createReader(new StringReader(socket.written.get(0))).readObject();
        assertThat(batch.getJsonArray("frames").getValuesAs(JsonObject.class))
                .extracting(f -> f.getInt("n")).containsExactly(1, 2);

        // while a write is in flight, its completion takes the next frames: nobody is asked
        writer.offerLater("{\"n\":3}");
        assertThat(asked).isEmpty();
        socket.completeWrite();
        assertThat(socket.written).last().isEqualTo("{\"n\":3}");

        // once idle again, the next broadcast asks again
        socket.completeWrite();
        writer.offerLater("{\"n\":4}");
        assertThat(asked).hasSize(1);
    }

    /** A blocking writer whose flushes and lingering frames wait for the test to run them. */
    static final class Lingerer {
        final BlockingSocket socket = new BlockingSocket();
        final List<SessionWriter> flushes = new ArrayList<>();
        final List<SessionWriter> lingering = new ArrayList<>();
        final SessionWriter writer = new SessionWriter(new Socket().remote, socket.remote, () -> true, 100, w -> { },
                flushes::add, lingering::add);
    }

    @Test
    void aFrameThatMayLingerLeavesWithTheNextWriteInOneEnvelope() {
        Lingerer l = new Lingerer();

        assertThat(l.writer.offerSoon("{\"type\":\"ack\",\"seq\":1}")).isTrue();
        assertThat(l.socket.written).as("no write of its own yet").isEmpty();
        assertThat(l.lingering).containsExactly(l.writer);
        assertThat(l.flushes).isEmpty();

        // the next message for this session takes it along
        l.writer.offerLater("{\"type\":\"msg\",\"seq\":2}");
        l.flushes.remove(0).flush();
        assertThat(l.socket.written).hasSize(1);
        JsonObject both = JSON.createReader(new StringReader(l.socket.written.get(0))).readObject();
        assertThat(both.getJsonArray("frames").getValuesAs(JsonObject.class)).extracting(f -> f.getString("type"))
                .containsExactly("ack", "msg");

        // its time then comes up with nothing left to write: no write, no flush asked
        l.lingering.remove(0).lingered();
        assertThat(l.flushes).isEmpty();
        assertThat(l.socket.written).hasSize(1);
    }

    @Test
    void aFrameThatMayLingerIsWrittenByItselfWhenNoOtherWriteComesInTime() {
        Lingerer l = new Lingerer();

        l.writer.offerSoon("{\"n\":1}");
        l.writer.offerSoon("{\"n\":2}");
        assertThat(l.lingering).as("asked once while it lingers").hasSize(1);

        l.lingering.remove(0).lingered();
        assertThat(l.flushes).containsExactly(l.writer);
        l.flushes.remove(0).flush();
        assertThat(l.socket.written).hasSize(1);
        assertThat(JSON.createReader(new StringReader(l.socket.written.get(0))).readObject().getJsonArray("frames"))
                .hasSize(2);

        // and the next one lingers again
        l.writer.offerSoon("{\"n\":3}");
        assertThat(l.lingering).containsExactly(l.writer);
    }

    @Test
    void lingeringWritersAreDueInTheOrderTheyCameOnceTheirTimeIsUp() {
        Flusher.Lingering lingering = new Flusher.Lingering(200);
        Socket socket = new Socket();
        SessionWriter first = new SessionWriter(socket.remote, 10, w -> { }, w -> { });
        SessionWriter second = new SessionWriter(socket.remote, 10, w -> { }, w -> { });
        lingering.add(first, 1_000);
        lingering.add(second, 1_100);
        List<SessionWriter> due = new ArrayList<>();

        lingering.due(1_199, due::add);
        assertThat(due).isEmpty();
        lingering.due(1_200, due::add);
        assertThat(due).containsExactly(first);
        lingering.due(5_000, due::add);
        assertThat(due).containsExactly(first, second);
        assertThat(lingering.size()).isZero();
    }

    @Test
    void aFullQueueRefusesAndReportsTheOverflowOnce() {
        Socket socket = new Socket();
        AtomicInteger overflows = new AtomicInteger();
        SessionWriter writer = new SessionWriter(socket.remote, 3, w -> overflows.incrementAndGet(), w -> { });

        assertThat(writer.offer("{}")).isTrue(); // in flight
        assertThat(writer.offer("{}")).isTrue();
        assertThat(writer.offer("{}")).isTrue();
        assertThat(writer.offer("{}")).isTrue();
        assertThat(writer.offer("{}")).isFalse();
        assertThat(writer.offer("{}")).isFalse();
        assertThat(overflows).hasValue(1);
        assertThat(writer.queued()).isEqualTo(3);
    }

    @Test
    void finishWritesWhatIsQueuedThenClosesAndTakesNothingMore() {
        Socket socket = new Socket();
        SessionWriter writer = new SessionWriter(socket.remote, 100, w -> { }, w -> { });
        AtomicInteger closed = new AtomicInteger();

        writer.offer("{\"n\":1}");
        writer.offer("{\"error\":true}");
        writer.finish(closed::incrementAndGet);
        assertThat(writer.offer("{\"late\":true}")).isFalse();
        assertThat(closed).hasValue(0);

        socket.completeWrite();
        assertThat(socket.written.get(1)).isEqualTo("{\"error\":true}");
        assertThat(closed).hasValue(0);
        socket.completeWrite();
        assertThat(closed).hasValue(1);
    }

    @Test
    void finishOnAnIdleWriterClosesAtOnce() {
        Socket socket = new Socket();
        SessionWriter writer = new SessionWriter(socket.remote, 100, w -> { }, w -> { });
        AtomicInteger closed = new AtomicInteger();
        writer.finish(closed::incrementAndGet);
        writer.finish(closed::incrementAndGet);
        assertThat(closed).hasValue(1);
    }

    @Test
    void framesOfferedFromManyThreadsAllGoOutOnceEachInTheOrderEachThreadGaveThem() throws Exception {
        // two threads write directly, two as broadcasts do, flushed by a thread of their own
        int threads = 4;
        int perThread = 20_000;
        List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        var completer = java.util.concurrent.Executors.newSingleThreadExecutor();
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (inFlight.incrementAndGet() != 1) {
                        throw new IllegalStateException("a second write in flight");
                    }
                    written.add((String) args[0]);
                    completer.execute(() -> {
                        inFlight.decrementAndGet();
                        ((SendHandler) args[1]).onResult(new SendResult());
                    });
                    return null;
                });
        var flusher = java.util.concurrent.Executors.newSingleThreadExecutor();
        SessionWriter writer = new SessionWriter(remote, Integer.MAX_VALUE, w -> { }, w -> flusher.execute(w::flush));
        offerFromThreads(writer, threads, perThread);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> writer.queued() == 0 && inFlight.get() == 0);
        completer.shutdown();
        flusher.shutdown();

        assertEachThreadsFramesOnceInOrder(written, threads, perThread);
    }

    /** A blocking remote that records what it writes and refuses a second write at the same time. */
    static final class BlockingSocket {
        final List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long takesNanos;
        /** Runs after each write: e.g. the client acks what it read. */
        volatile Runnable afterWrite = () -> { };
        /** Runs for each ping sent, with its payload: e.g. the client answers it. */
        volatile java.util.function.Consumer<java.nio.ByteBuffer> onPing = payload -> { };
        /** The payloads of the pings sent, in order. */
        final List<java.nio.ByteBuffer> pings = java.util.Collections.synchronizedList(new ArrayList<>());
        final RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendPing")) {
                        java.nio.ByteBuffer payload = (java.nio.ByteBuffer) args[0];
                        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
                        pings.add(copy);
                        onPing.accept(copy.duplicate());
                        return null;
                    }
                    if (!method.getName().equals("sendText") || args.length != 1) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (inFlight.incrementAndGet() != 1) {
                        throw new IllegalStateException("a second write in flight");
                    }
                    written.add((String) args[0]);
                    if (takesNanos > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(takesNanos); // a slow network, simulated
                    }
                    inFlight.decrementAndGet();
                    afterWrite.run();
                    return null;
                });

        /** The client answers the last ping, as every WebSocket client does once it has read up to it. */
        java.nio.ByteBuffer lastPing() {
            return pings.get(pings.size() - 1).duplicate();
        }
    }

    @Test
    void blockingWritesFromManyThreadsGoOutOnceEachInEachThreadsOrder() throws Exception {
        BlockingSocket socket = new BlockingSocket();
        Socket unused = new Socket();
        var flusher = java.util.concurrent.Executors.newFixedThreadPool(2);
        SessionWriter writer = new SessionWriter(unused.remote, socket.remote, Integer.MAX_VALUE, w -> { },
                w -> flusher.execute(w::flush));
        socket.afterWrite = writer::confirmed; // a client that acks all it reads stays within the window
        int threads = 4;
        int perThread = 2_000;
        offerFromThreads(writer, threads, perThread);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> writer.queued() == 0);
        flusher.shutdown();
        assertThat(flusher.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(unused.written).as("nothing went the asynchronous way").isEmpty();

        assertEachThreadsFramesOnceInOrder(socket.written, threads, perThread);
    }

    @Test
    void aClientThatAnswersPingsGetsEverythingFromManyThreadsOnceEachInOrder() throws Exception {
        BlockingSocket socket = new BlockingSocket();
        Socket unused = new Socket();
        var flusher = java.util.concurrent.Executors.newFixedThreadPool(2);
        var client = java.util.concurrent.Executors.newSingleThreadExecutor(); // reads, and answers pings, on a thread of its own
        SessionWriter writer = new SessionWriter(unused.remote, socket.remote, Integer.MAX_VALUE, w -> { },
                w -> flusher.execute(w::flush));
        socket.onPing = payload -> client.execute(() -> writer.ponged(payload));
        int threads = 4;
        int perThread = 2_000;
        offerFromThreads(writer, threads, perThread);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> writer.queued() == 0);
        flusher.shutdown();
        client.shutdown();
        assertThat(flusher.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(unused.written).as("nothing went the asynchronous way").isEmpty();
        assertThat(socket.pings).hasSizeGreaterThan(1);

        assertEachThreadsFramesOnceInOrder(socket.written, threads, perThread);
    }

    @Test
    void afterASlowBlockingWriteNothingMoreIsWrittenUntilTheClientAnswersAPing() {
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 100, w -> { }, SessionWriter::flush);
        writer.offer("{\"n\":1}");
        assertThat(blocking.written).containsExactly("{\"n\":1}");
        assertThat(writer.lagging()).isFalse();

        blocking.takesNanos = SessionWriter.SLOW_WRITE_NANOS * 2;
        writer.offer("{\"n\":2}");
        assertThat(writer.lagging()).isTrue();
        assertThat(writer.blockedNanos(System.nanoTime())).as("no write blocked now").isZero();
        blocking.takesNanos = 0;

        writer.offer("{\"n\":3}");
        assertThat(blocking.written).hasSize(2);
        assertThat(async.written).as("never asynchronous: a close would park a Liberty thread on it").isEmpty();
        assertThat(writer.queued()).isOne();
        assertThat(blocking.pings).hasSize(1);

        // the pong says the client read everything before the ping: the slowness was the network's
        writer.ponged(blocking.lastPing());
        assertThat(writer.lagging()).isFalse();
        assertThat(blocking.written).last().isEqualTo("{\"n\":3}");
        assertThat(writer.queued()).isZero();
    }

    @Test
    void pastTheWindowFramesWaitForThePongToAPingAndGoOutTogether() {
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 100, w -> { }, SessionWriter::flush);
        String frame = "{\"pad\":\"" + "x".repeat(500) + "\"}";
        int fit = SessionWriter.BLOCKING_WINDOW_CHARS / frame.length();
        for (int i = 0; i < fit; i++) {
            writer.offer(frame);
        }
        assertThat(blocking.written).hasSize(fit);
        assertThat(blocking.pings).isEmpty();

        // more would pass the window: a client that stopped reading could leave a write blocked for good
        writer.offer(frame);
        writer.offer(frame);
        assertThat(blocking.written).hasSize(fit);
        assertThat(async.written).isEmpty();
        assertThat(writer.lagging()).isTrue();
        assertThat(blocking.pings).as("one ping, however many frames wait").hasSize(1);

        // a pong that does not answer the ping (unsolicited, or guessed) confirms nothing
        writer.ponged(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(0, blocking.lastPing().getLong() + 1));
        writer.ponged(java.nio.ByteBuffer.allocate(3));
        assertThat(blocking.written).hasSize(fit);

        writer.ponged(blocking.lastPing());
        assertThat(blocking.written).hasSize(fit + 1);
        assertThat(blocking.written).last().asString().startsWith("{\"type\":\"frames\"");
        assertThat(writer.queued()).isZero();

        // the same pong again is stale: its ping was answered
        writer.offer(frame);
        writer.offer(frame);
        writer.offer(frame);
        writer.offer(frame);
        int before = blocking.written.size();
        writer.ponged(blocking.pings.get(0).duplicate());
        assertThat(blocking.written).hasSize(before);
        assertThat(blocking.pings).hasSize(2);

        // an ack confirms too
        writer.confirmed();
        assertThat(writer.queued()).isZero();
    }

    @Test
    void aFrameLargerThanTheKernelsBuffersGoesAsynchronousOnceAllBeforeItIsConfirmedAndSoDoesWhatFollowsUntilAnAck() {
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 100, w -> { }, SessionWriter::flush);
        long largeBefore = SessionWriter.Unpaced.LARGE_FRAME.times();
        writer.offer("{\"n\":0}");
        String large = "{\"pad\":\"" + "x".repeat(SessionWriter.LARGE_FRAME_CHARS) + "\"}";
        writer.offer(large);
        assertThat(async.written).as("not before the client confirmed what it has").isEmpty();
        writer.ponged(blocking.lastPing());
        assertThat(async.written).containsExactly(large);
        assertThat(SessionWriter.Unpaced.LARGE_FRAME.times()).as("counted, by why").isEqualTo(largeBefore + 1);
        async.completeWrite();

        // the kernel's buffers may be full now: no ping (it could block), and no blocking write
        writer.offer("{\"n\":1}");
        assertThat(async.written).last().isEqualTo("{\"n\":1}");
        async.completeWrite();
        assertThat(blocking.written).containsExactly("{\"n\":0}");
        assertThat(blocking.pings).hasSize(1);

        // an ack: paced again
        writer.confirmed();
        writer.offer("{\"n\":2}");
        assertThat(blocking.written).containsExactly("{\"n\":0}", "{\"n\":2}");
    }

    @Test
    void aFrameLargerThanTheWindowGoesOutBlockingAloneOnceAllBeforeItIsConfirmed() {
        // merged chat when many chat at once: a few thousand characters
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 100, w -> { }, SessionWriter::flush);
        writer.offer("{\"n\":0}");
        String chat = "{\"pad\":\"" + "x".repeat(SessionWriter.BLOCKING_WINDOW_CHARS + 1_000) + "\"}";
        writer.offer(chat);
        writer.offer("{\"n\":1}");
        assertThat(blocking.written).as("not before the client confirmed what it has").containsExactly("{\"n\":0}");
        assertThat(blocking.pings).hasSize(1);

        writer.ponged(blocking.lastPing());
        assertThat(blocking.written).containsExactly("{\"n\":0}", chat);
        assertThat(blocking.pings).as("what follows waits for the next pong").hasSize(2);
        writer.ponged(blocking.lastPing());
        assertThat(blocking.written).containsExactly("{\"n\":0}", chat, "{\"n\":1}");
        assertThat(async.written).isEmpty();
    }

    @Test
    void aSocketThatIsClosingGetsNoBlockingWriteNorPingAndTheWriterTakesNothingMore() {
        // Liberty's blocking write on a closing socket would wait for good
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, open::get, 100, w -> { }, SessionWriter::flush);
        String frame = "{\"pad\":\"" + "x".repeat(1_000) + "\"}";
        writer.offer(frame);
        assertThat(blocking.written).hasSize(1);

        open.set(false);
        writer.offer(frame);
        assertThat(blocking.written).hasSize(1);
        assertThat(writer.offer(frame)).as("closed").isFalse();

        BlockingSocket pinged = new BlockingSocket();
        AtomicInteger checks = new AtomicInteger();
        SessionWriter waiting = new SessionWriter(async.remote, pinged.remote, () -> checks.incrementAndGet() <= 2, 100,
                w -> { }, SessionWriter::flush);
        waiting.offer(frame);
        waiting.offer(frame);
        waiting.offer(frame); // past the window: a ping, but the socket closed meanwhile
        assertThat(pinged.written).hasSize(2);
        assertThat(pinged.pings).isEmpty();
        assertThat(waiting.offer(frame)).isFalse();
        assertThat(async.written).isEmpty();
    }

    @Test
    void framesThatWaitedTooLongForAPongGoOutAsynchronouslyUnlessTheNodeItselfWasBehind() {
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 100, w -> { }, SessionWriter::flush);
        String frame = "{\"pad\":\"" + "x".repeat(1_000) + "\"}";
        writer.offer(frame);
        writer.offer(frame);
        writer.offer(frame);
        assertThat(blocking.written).hasSize(2);
        assertThat(blocking.pings).hasSize(1);
        long now = System.nanoTime();

        assertThat(writer.pongOverdue(now, 0)).as("not yet").isFalse();
        long late = now + SessionWriter.PONG_WAIT_NANOS * 2;
        assertThat(writer.pongOverdue(late, SessionWriter.PONG_WAIT_NANOS * 3)).as("the node ran behind: excused").isFalse();
        assertThat(async.written).isEmpty();

        // a client that does not answer pings is still served, as before pacing
        long overdueBefore = SessionWriter.Unpaced.PONG_OVERDUE.times();
        assertThat(writer.pongOverdue(late, 0)).isTrue();
        assertThat(async.written).containsExactly(frame);
        assertThat(SessionWriter.Unpaced.PONG_OVERDUE.times()).as("counted, by why").isEqualTo(overdueBefore + 1);
        async.completeWrite();

        // its late pong confirms what came before the ping, not what went out since: paced again,
        // with the unconfirmed asynchronous frame counted in the window
        writer.ponged(blocking.lastPing());
        writer.offer(frame);
        assertThat(blocking.written).hasSize(3);
        writer.offer(frame);
        assertThat(blocking.written).hasSize(3);
        assertThat(blocking.pings).hasSize(2);
        writer.confirmed();
        assertThat(blocking.written).hasSize(4);
        assertThat(async.written).hasSize(1);
    }

    @Test
    void framesPilingUpBehindAPingGoOutAsynchronouslyRatherThanOverflow() {
        // a client that sends many requests at once: its pong is read only after all of them,
        // and their replies are what piles up here meanwhile
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        AtomicInteger overflows = new AtomicInteger();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 8, w -> overflows.incrementAndGet(),
                SessionWriter::flush);
        String reply = "{\"pad\":\"" + "x".repeat(1_000) + "\"}";
        writer.offer(reply);
        writer.offer(reply);
        writer.offer(reply);
        assertThat(blocking.written).hasSize(2);
        assertThat(blocking.pings).hasSize(1);
        for (int i = 0; i < 2; i++) {
            writer.offer(reply);
        }
        assertThat(async.written).as("a few may wait for the pong").isEmpty();

        long pileUpBefore = SessionWriter.Unpaced.PILE_UP.times();
        writer.offer(reply);
        assertThat(async.written).as("half the queue waiting: written unpaced").hasSize(1);
        assertThat(SessionWriter.Unpaced.PILE_UP.times()).as("counted once, by why").isEqualTo(pileUpBefore + 1);
        for (int i = 0; i < 20; i++) {
            writer.offer(reply);
            async.completeWrite();
        }
        assertThat(overflows).hasValue(0);
        assertThat(writer.queued()).isZero();
        int frames = blocking.written.size();
        for (String write : async.written) {
            frames += write.startsWith("{\"type\":\"frames\"")
                    ? JSON.createReader(new StringReader(write)).readObject().getJsonArray("frames").size() : 1;
        }
        assertThat(frames).as("every reply, once").isEqualTo(26);
    }

    @Test
    void aBatchWrittenBlockingStaysWithinTheWindow() {
        BlockingSocket blocking = new BlockingSocket();
        Socket async = new Socket();
        List<SessionWriter> asked = new ArrayList<>();
        SessionWriter writer = new SessionWriter(async.remote, blocking.remote, 100, w -> { }, asked::add);
        String frame = "{\"pad\":\"" + "x".repeat(100) + "\"}";
        for (int i = 0; i < 50; i++) {
            writer.offerLater(frame);
        }
        asked.remove(0).flush();
        assertThat(blocking.written).hasSize(1);
        assertThat(blocking.written.get(0).length()).isLessThanOrEqualTo(SessionWriter.BLOCKING_WINDOW_CHARS);
        assertThat(writer.queued()).isPositive();
        while (writer.queued() > 0) {
            writer.ponged(blocking.lastPing());
            asked.remove(0).flush();
        }
        assertThat(blocking.written).allSatisfy(text -> assertThat(text.length()).isLessThanOrEqualTo(SessionWriter.BLOCKING_WINDOW_CHARS));
        assertThat(async.written).isEmpty();
    }

    /** Every frame {"t": thread, "n": count} written once, each thread's in its order, envelopes opened. */
    private static void assertEachThreadsFramesOnceInOrder(List<String> written, int threads, int perThread) {
        int[] next = new int[threads];
        synchronized (written) {
            for (String text : written) {
                JsonObject frame = JSON.createReader(new StringReader(text)).readObject();
                List<JsonObject> frames = frame.containsKey("frames")
                        ? frame.getJsonArray("frames").getValuesAs(JsonObject.class) : List.of(frame);
                for (JsonObject f : frames) {
                    assertThat(f.getInt("n")).isEqualTo(next[f.getInt("t")]++);
                }
            }
        }
        assertThat(next).containsOnly(perThread);
    }

    @Test
    void theAckClockStartsWhenAWriteTakesTheImportantMessageNotWhenItIsQueued() {
        Socket socket = new Socket();
        List<SessionWriter> asked = new ArrayList<>();
        SessionWriter writer = new SessionWriter(socket.remote, 100, w -> { }, asked::add);

        writer.offerLater("{\"type\":\"batch\"}");
        asked.remove(0).flush();
        socket.completeWrite();
        assertThat(writer.awaitingAckNanos(System.nanoTime())).isZero(); // a batch is not acked

        writer.offerLater("{\"type\":\"msg\",\"seq\":1}", true);
        // queued behind a node's busy flushers: nothing reached the client, nothing to blame it for
        assertThat(writer.awaitingAckNanos(System.nanoTime())).isZero();

        long beforeWrite = System.nanoTime();
        asked.remove(0).flush();
        assertThat(socket.written).last().asString().contains("\"seq\":1");
        long waited = writer.awaitingAckNanos(System.nanoTime());
        assertThat(waited).isPositive().isLessThanOrEqualTo(System.nanoTime() - beforeWrite);

        socket.completeWrite();
        writer.acked();
        assertThat(writer.awaitingAckNanos(System.nanoTime())).isZero();
    }

    /**
     * Threads started together, each offering {"t": thread, "n": 0..perThread-1}: the even ones
     * as replies ({@code offer}), the odd ones as broadcasts ({@code offerLater}); returns when all offered.
     */
    private static void offerFromThreads(SessionWriter writer, int threads, int perThread) throws InterruptedException {
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < perThread; n++) {
                    String frame = "{\"t\":" + thread + ",\"n\":" + n + "}";
                    if (thread % 2 == 0) {
                        writer.offer(frame);
                    } else {
                        writer.offerLater(frame);
                    }
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
}
