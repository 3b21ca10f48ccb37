package io.ketang.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the writes that room broadcasts leave behind, on threads of its own
 * ({@code ketang.gateway.write-threads}, one per core by default). A broadcast only
 * queues its frame on each session ({@link SessionWriter#offerLater}); the write happens here, or
 * when the session's previous write completes. So the thread that reads the push topic never
 * waits on 10,000 socket writes, and when writing falls behind, the frames that piled up for a
 * session leave in one write instead of one write each: the busier the room, the fewer writes
 * per message. Frames that may linger ({@link SessionWriter#offerSoon}) get a write of their own
 * only when none came for them within {@link #LINGER_NANOS}.
 */
@ApplicationScoped
class Flusher {

    private static final Logger LOG = Logger.getLogger(Flusher.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /**
     * How long a frame may wait for the next write of its session ({@link SessionWriter#offerSoon}):
     * longer than a message's interval in a room at 5 a second, so that an ack's reply rides along
     * with the next message, and short enough for the head it tells to stay fresh (250 ms). It is
     * checked every {@link #LINGER_TICK_NANOS}.
     */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long LINGER_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    @Inject
    @ConfigProperty(name = "ketang.gateway.write-threads", defaultValue = "0")
    int writeThreads;

    /** Each writer at most once: {@link SessionWriter} keeps a flag while it waits here. */
    private final LinkedTransferQueue<SessionWriter> waiting = new LinkedTransferQueue<>();
    private volatile boolean running;
    private final List<Thread> loops = new ArrayList<>();
    private final Lingering lingering = new Lingering(LINGER_NANOS);
    private Future<?> ticking;

    @PostConstruct
    void start() {
        running = true;
        int count = writeThreads > 0 ? writeThreads : Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < count; i++) {
            Thread thread = threads.newThread(this::loop);
            thread.setName("ketang-flusher-" + i);
            thread.start();
            loops.add(thread);
        }
        ticking = scheduler.scheduleWithFixedDelay(() -> lingering.due(System.nanoTime(), SessionWriter::lingered),
                LINGER_TICK_NANOS, LINGER_TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        running = false;
        loops.forEach(Thread::interrupt);
    }

    /** A writer with frames queued and no write started for them. */
    void schedule(SessionWriter writer) {
        waiting.add(writer);
    }

    /** A writer with a frame that may linger: it is told when the time is up, unless it was written before. */
    void linger(SessionWriter writer) {
        lingering.add(writer, System.nanoTime());
    }

    /**
     * Writers whose frames linger, in the order they came: all linger equally long, so the ones
     * whose time is up are at the head. A writer is in it at most once at a time (it keeps a flag
     * while it is), so its length is bounded by the node's sessions.
     */
    static final class Lingering {
        private record Entry(SessionWriter writer, long since) { }

        private final long lingerNanos;
        private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

        Lingering(long lingerNanos) {
            this.lingerNanos = lingerNanos;
        }

        void add(SessionWriter writer, long now) {
            entries.add(new Entry(writer, now));
        }

        /** Hands each writer whose time is up to {@code due}, in the order they came; one caller at a time. */
        void due(long now, Consumer<SessionWriter> due) {
            Entry head;
            while ((head = entries.peek()) != null && now - head.since() >= lingerNanos) {
                entries.poll();
                due.accept(head.writer());
            }
        }

        int size() {
            return entries.size();
        }
    }

    private void loop() {
        while (running) {
            try {
                waiting.take().flush();
            } catch (InterruptedException e) {
                if (running) {
                    LOG.warning("Flusher interrupted while running; continuing");
                    continue;
                }
                return;
            } catch (RuntimeException e) {
                // one session's failure must not stop the others' writes
                LOG.log(Level.WARNING, "A session write failed to start: {0}", e.toString());
            }
        }
    }
}
