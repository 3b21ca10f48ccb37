package io.ketang.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
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
 * per message.
 */
@ApplicationScoped
class Flusher {

    private static final Logger LOG = Logger.getLogger(Flusher.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "ketang.gateway.write-threads", defaultValue = "0")
    int writeThreads;

    /** Each writer at most once: {@link SessionWriter} keeps a flag while it waits here. */
    private final LinkedTransferQueue<SessionWriter> waiting = new LinkedTransferQueue<>();
    private volatile boolean running;
    private final List<Thread> loops = new ArrayList<>();

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
    }

    @PreDestroy
    void stop() {
        running = false;
        loops.forEach(Thread::interrupt);
    }

    /** A writer with frames queued and no write started for them. */
    void schedule(SessionWriter writer) {
        waiting.add(writer);
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
