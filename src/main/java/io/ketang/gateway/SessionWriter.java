package io.ketang.gateway;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;

/**
 * The one writer of a WebSocket session. Liberty allows a single asynchronous write in flight per
 * session (a second one is refused, and is lost silently if unchecked), so frames wait in a bounded
 * queue and the next goes out when the previous write completes; what piled up meanwhile goes out
 * together in one {@code frames} envelope. A session whose queue is full
 * cannot keep up: {@code onOverflow} is told once, and the caller closes it; a broadcast never
 * waits on it.
 */
final class SessionWriter {

    private final RemoteEndpoint.Async remote;
    private final int capacity;
    private final Consumer<SessionWriter> onOverflow;
    /** Starts this writer's write later, from another thread (see {@link #offerLater}). */
    private final Consumer<SessionWriter> later;
    /** True while this writer waits for {@link #later} to call {@link #flush}. */
    private final AtomicBoolean flushPending = new AtomicBoolean();
    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    /** Frames in the queue; guards the capacity without a lock. */
    private final AtomicInteger queued = new AtomicInteger();
    /** True while a write is in flight; only its owner may start the next. */
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private volatile boolean closed;
    /** Set by {@link #finish}: runs once, when what was queued before it has been written. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> finisher = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Writes blocking on the calling thread, while the session keeps up; null: every write
     * asynchronous. Liberty completes an asynchronous write on its default executor (the write is
     * always queued), and a close frame read from the client parks an executor thread until the
     * session's write in flight has completed: in a close storm (the end of a class) the parked
     * threads hold up the very completions they wait for, and the executor grows by thousands of
     * threads while the next class's frames wait. A blocking write completes on the writing
     * thread, so a close waits only for the syscall in progress.
     */
    private final RemoteEndpoint.Basic blocking;
    /** Set once a blocking write took longer than {@link #SLOW_WRITE_NANOS}: asynchronous from then on. */
    private volatile boolean lagging;
    /** When the blocking write in progress began (System.nanoTime), 0 when none. */
    private volatile long blockingSince;

    /** A blocking write taking longer than this means the client does not keep up. */
    static final long SLOW_WRITE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * The most characters written blocking since the client last showed it reads (an {@code ack}
     * that holds more than the one before): at most 6 KB in UTF-8, below what a connection's
     * kernel buffers hold even when the client's receive window is small (a phone in a tunnel; the
     * send buffer starts at 16 KB), so a blocking write never waits on a client that stopped
     * reading. That matters because Liberty gives a blocking write no timeout, and its close of
     * such a socket waits on the same full buffer: a write stuck there holds a flusher thread, and
     * with it every other session's fan-out (the fault suite's dead phones did that with 16 K).
     * Beyond the window, writes go asynchronous until the next ack.
     */
    static final int BLOCKING_WINDOW_CHARS = 2 * 1024;
    /** Characters written since the client last acked. */
    private final AtomicLong unconfirmed = new AtomicLong();
    /** An important message is queued that no write has taken yet. */
    private final AtomicBoolean ackDue = new AtomicBoolean();
    /** When a write first took an important message the client has not acked since (System.nanoTime), 0 when none. */
    private final AtomicLong awaitingAckSince = new AtomicLong();

    SessionWriter(RemoteEndpoint.Async remote, int capacity, Consumer<SessionWriter> onOverflow,
            Consumer<SessionWriter> later) {
        this(remote, null, capacity, onOverflow, later);
    }

    SessionWriter(RemoteEndpoint.Async remote, RemoteEndpoint.Basic blocking, int capacity,
            Consumer<SessionWriter> onOverflow, Consumer<SessionWriter> later) {
        this.remote = remote;
        this.blocking = blocking;
        this.capacity = capacity;
        this.onOverflow = onOverflow;
        this.later = later;
    }

    /**
     * How long the blocking write in progress has taken, 0 when none: a stuck one means a client
     * that stopped reading, and it holds a flusher thread. A slow asynchronous write holds nothing
     * but this session's queue; whether its client still reads is for its acks to say (a phone on
     * a slow link may take seconds over one batch and still read).
     */
    long blockedNanos(long now) {
        long since = blockingSince;
        return since == 0 ? 0 : now - since;
    }

    /** Whether this session's writes have gone asynchronous: one took too long, or the client has not acked of late. */
    boolean lagging() {
        return lagging || unconfirmed.get() > BLOCKING_WINDOW_CHARS;
    }

    /**
     * The client showed it reads what it is sent (it acked): its writes may block again. A write
     * that was slow for the network's sake rather than the client's gets another chance too.
     */
    void confirmed() {
        unconfirmed.set(0);
        lagging = false;
    }

    /** The client acked more than before, or all there is: no important message waits for its ack. */
    void acked() {
        awaitingAckSince.set(0);
    }

    /**
     * How long an important message handed to the socket has gone without an ack, 0 when none
     * waits: a client that heartbeats but acks nothing for long is not reading.
     */
    long awaitingAckNanos(long now) {
        long since = awaitingAckSince.get();
        return since == 0 ? 0 : now - since;
    }

    /** Queues a frame; false when the session is closed or closing, or its queue is full. */
    boolean offer(String frame) {
        if (closed || finisher.get() != null) {
            return false;
        }
        // the common case: nothing waiting and no write in flight, so this frame goes out at once
        // without passing through the queue
        if (queued.get() == 0 && writing.compareAndSet(false, true)) {
            if (send(frame)) {
                writing.set(false);
                writeNext();
            }
            return true;
        }
        if (!enqueue(frame)) {
            return false;
        }
        writeNext();
        return true;
    }

    /**
     * Queues a frame and leaves the write to {@code later}, which calls {@link #flush} from its own
     * thread; false as for {@link #offer}. A broadcast uses this so that it never writes itself,
     * and frames that pile up meanwhile leave together.
     */
    boolean offerLater(String frame) {
        return offerLater(frame, false);
    }

    /**
     * As {@link #offerLater(String)}; an important message also has the write that takes it start
     * the session's ack clock ({@link #awaitingAckNanos}). The clock starts when the frame is handed
     * to the socket, not when it is queued: a node that is behind with its writes does not blame
     * its clients for the wait.
     */
    boolean offerLater(String frame, boolean important) {
        if (closed || finisher.get() != null) {
            return false;
        }
        if (important) {
            // before the frame is queued: the write that takes it sees the flag (at worst the write
            // just before it starts the clock, a write early)
            ackDue.set(true);
        }
        if (!enqueue(frame)) {
            return false;
        }
        // a write in flight takes this frame when it completes; otherwise ask for one, once
        if (!writing.get() && flushPending.compareAndSet(false, true)) {
            later.accept(this);
        }
        return true;
    }

    /** Starts a write of what is queued, unless one is in flight. */
    void flush() {
        flushPending.set(false);
        writeNext();
    }

    private boolean enqueue(String frame) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            if (overflowed.compareAndSet(false, true)) {
                onOverflow.accept(this);
            }
            return false;
        }
        queue.add(frame);
        return true;
    }

    int queued() {
        return queued.get();
    }

    /**
     * Frames waiting at which a session is behind. A healthy session has at most a frame or two
     * waiting for a flusher thread (the room's last important message, the last batch).
     */
    static final int BEHIND_AT = 4;

    /**
     * Whether the session is behind: a chat batch is then left out for it rather than queued, so
     * its important messages do not wait behind chat, and its queue stops growing with it.
     */
    boolean behind() {
        return queued.get() >= BEHIND_AT;
    }

    /**
     * Accepts no more frames and runs {@code closer} once what is queued has been written, so a
     * client learns why it is being closed (the error frames before the close frame).
     */
    void finish(Runnable closer) {
        if (finisher.compareAndSet(null, closer)) {
            writeNext();
        }
    }

    /** Drops what is queued; the session is going away. */
    void close() {
        closed = true;
        queue.clear();
        queued.set(0);
    }

    private void writeNext() {
        while (writing.compareAndSet(false, true)) {
            String frame = queue.poll();
            if (frame == null) {
                writing.set(false);
                // a frame queued between poll and release would otherwise wait for the next offer
                if (queue.isEmpty()) {
                    runFinisher();
                    return;
                }
                continue;
            }
            queued.decrementAndGet();
            if (!send(queue.peek() == null ? frame : batch(frame))) {
                return; // asynchronous: its completion goes on
            }
            writing.set(false); // written: take what queued meanwhile
        }
    }

    /**
     * Writes, the caller holding {@link #writing}: blocking while the session keeps up (true:
     * written, or failed and closed, the caller releases {@link #writing}), else asynchronously
     * (false: {@link #written} releases it).
     */
    private boolean send(String text) {
        if (ackDue.get() && ackDue.getAndSet(false)) {
            long now = System.nanoTime();
            awaitingAckSince.compareAndSet(0, now == 0 ? 1 : now);
        }
        long written = unconfirmed.addAndGet(text.length());
        if (blocking != null && !lagging && written <= BLOCKING_WINDOW_CHARS) {
            long start = System.nanoTime();
            blockingSince = start;
            try {
                blocking.sendText(text);
            } catch (java.io.IOException | RuntimeException e) {
                close(); // the socket is closing; the close handler cleans up
                return true;
            } finally {
                blockingSince = 0;
            }
            if (System.nanoTime() - start > SLOW_WRITE_NANOS) {
                lagging = true;
            }
            return true;
        }
        try {
            remote.sendText(text, this::written);
            return false;
        } catch (RuntimeException e) {
            // the socket is closing; the close handler cleans up
            close();
            return true;
        }
    }

    private static final Runnable DONE = () -> { };

    /** At most this many frames, or about this many characters, go out in one write. */
    static final int MAX_BATCH_FRAMES = 64;
    static final int MAX_BATCH_CHARS = 64 * 1024;

    /**
     * Several frames waiting: one write of {@code {"type":"frames","frames":[…]}} instead of one
     * write each. Each frame is already an encoded JSON object, so this only concatenates; a
     * slow moment on the network costs one syscall per batch, not per message.
     */
    private String batch(String first) {
        StringBuilder out = new StringBuilder(Math.min(MAX_BATCH_CHARS, first.length() * 4) + 32)
                .append("{\"type\":\"frames\",\"frames\":[").append(first);
        int frames = 1;
        String next;
        while (frames < MAX_BATCH_FRAMES && out.length() < MAX_BATCH_CHARS
                && (next = queue.peek()) != null && out.length() + next.length() <= MAX_BATCH_CHARS) {
            queue.poll();
            queued.decrementAndGet();
            out.append(',').append(next);
            frames++;
        }
        if (frames == 1) {
            return first;
        }
        return out.append("]}").toString();
    }

    private void runFinisher() {
        Runnable closer = finisher.get();
        if (closer != null && closer != DONE && finisher.compareAndSet(closer, DONE)) {
            closer.run();
        }
    }

    private void written(SendResult result) {
        writing.set(false);
        if (!result.isOK()) {
            close();
            return;
        }
        writeNext();
    }
}
