package io.ketang.gateway;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Closes sockets on threads of its own ({@code ketang.gateway.close-threads}). Liberty's close
 * writes the close frame synchronously, and first waits up to 5.5 s for a write in flight: on a
 * client that stopped reading it can wait far longer. A close decided on the thread that reads the
 * push topic, a flusher or the sweep would stop every other session's deliveries meanwhile.
 */
@ApplicationScoped
class SocketCloser {

    private static final Logger LOG = Logger.getLogger(SocketCloser.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "ketang.gateway.close-threads", defaultValue = "64")
    int closeThreads;

    private ExecutorService closing;

    @PostConstruct
    void start() {
        AtomicInteger count = new AtomicInteger();
        // threads made as closes come and let go after 30 s idle: a close of a client that reads
        // nothing can hold its thread for as long as that client's TCP lives, so there are enough
        // that a few such clients do not hold up every other close
        int n = Math.max(1, closeThreads);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = threads.newThread(task);
            thread.setName("ketang-closer-" + count.getAndIncrement());
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        closing = pool;
    }

    @PreDestroy
    void stop() {
        closing.shutdownNow();
    }

    /** Closes the socket with the code soon, on a closer thread; the caller never waits on it. */
    void close(Session socket, Disconnect why) {
        try {
            closing.execute(() -> closeNow(socket, why));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            closeNow(socket, why);
        }
    }

    /** How many sockets the shutdown drain closes at once: a close can wait seconds on a write in flight. */
    static final int DRAIN_THREADS = 16;

    /**
     * Closes every socket with the code, {@link #DRAIN_THREADS} at a time on threads of its own (the
     * closer threads may be gone at a node's stop), waiting at most {@code within} for them all;
     * says how many were still closing then (left to the server's own stop).
     */
    static int closeAll(java.util.Collection<Session> sockets, Disconnect why, java.time.Duration within) {
        if (sockets.isEmpty()) {
            return 0;
        }
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(sockets.size());
        java.util.concurrent.ExecutorService drain = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(DRAIN_THREADS, sockets.size()), task -> {
                    Thread thread = new Thread(task, "ketang-drain-close");
                    thread.setDaemon(true);
                    return thread;
                });
        for (Session socket : sockets) {
            drain.execute(() -> {
                closeNow(socket, why);
                left.decrementAndGet();
            });
        }
        drain.shutdown();
        try {
            drain.awaitTermination(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return left.get();
    }

    /** Closes the socket on the calling thread: for the shutdown drain, which must finish before the JVM goes. */
    static void closeNow(Session socket, Disconnect why) {
        try {
            if (socket.isOpen()) {
                socket.close(why.reason());
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "close failed: {0}", e.toString());
        }
    }
}
