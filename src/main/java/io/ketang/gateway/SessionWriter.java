package io.ketang.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;

/**
 * The one writer of a WebSocket session. Liberty allows a single write in flight per session (a
 * second one is refused, and is lost silently if unchecked), so frames wait in a bounded queue and
 * the next goes out when the previous write completes; what piled up meanwhile goes out together in
 * one {@code frames} envelope. Writes block on the writing thread within a window of what the
 * client has not yet shown it read, and past it wait for a pong or an ack (see {@link #blocking}).
 * A session whose queue is full cannot keep up: {@code onOverflow} is told once, and the caller
 * closes it; a broadcast never waits on it.
 */
final class SessionWriter {

    private final RemoteEndpoint.Async remote;
    private final int capacity;
    private final Consumer<SessionWriter> onOverflow;
    /** Starts this writer's write later, from another thread (see {@link #offerLater}). */
    private final Consumer<SessionWriter> later;
    /** True while this writer waits for {@link #later} to call {@link #flush}. */
    private final AtomicBoolean flushPending = new AtomicBoolean();
    /** Calls {@link #lingered} a little later (see {@link #offerSoon}). */
    private final Consumer<SessionWriter> soon;
    /** True while this writer waits for {@link #soon} to call {@link #lingered}. */
    private final AtomicBoolean lingerPending = new AtomicBoolean();
    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    /** Frames in the queue; guards the capacity without a lock. */
    private final AtomicInteger queued = new AtomicInteger();
    /** True while a write is in flight; only its owner may start the next. */
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private volatile boolean closed;
    /** Set by {@link #finish}: runs once, when what was queued before it has been written. */
    private final AtomicReference<Runnable> finisher = new AtomicReference<>();

    /**
     * Writes blocking on the calling thread, within the window ({@link #BLOCKING_WINDOW_CHARS});
     * null: every write asynchronous. Liberty completes an asynchronous write on its default
     * executor (the write is always queued), and a close frame read from the client parks an
     * executor thread until the session's write in flight has completed: in a close storm (the end
     * of a class) the parked threads hold up the very completions they wait for, and the executor
     * grows by thousands of threads while the next class's frames wait. A blocking write completes
     * on the writing thread, so a close waits only for the syscall in progress. So a session past
     * its window does not go asynchronous: its frames wait here while a ping asks the client to
     * show it reads ({@link #ponged}); only a frame larger than {@link #LARGE_FRAME_CHARS} is
     * written asynchronously, and only once everything before it is confirmed.
     */
    private final RemoteEndpoint.Basic blocking;
    /**
     * Whether the socket is still open, asked just before each blocking write: Liberty's blocking
     * write on a socket that is already closing waits for a notification that never comes (no
     * timeout, see {@code WsocConnLink.okToWrite}), and takes its thread for good. A client's close
     * reaches this writer late in a close storm (its close handler waits its turn), while replies
     * and pings for it keep coming.
     */
    private final BooleanSupplier open;
    /** Set when a blocking write took longer than {@link #SLOW_WRITE_NANOS}: nothing more is written until the client confirms. */
    private volatile boolean lagging;
    /** When the blocking write in progress began (System.nanoTime), 0 when none. */
    private volatile long blockingSince;

    /** A blocking write taking longer than this means the client does not keep up. */
    static final long SLOW_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * The most characters written blocking since the client last showed it reads (an {@code ack}
     * that holds more than the one before): at most 6 KB in UTF-8, below what a connection's
     * kernel buffers hold even when the client's receive window is small (a phone in a tunnel; the
     * send buffer starts at 16 KB), so a blocking write never waits on a client that stopped
     * reading. That matters because Liberty gives a blocking write no timeout, and its close of
     * such a socket waits on the same full buffer: a write stuck there holds a flusher thread, and
     * with it every other session's fan-out (the fault suite's dead phones did that with 16 K).
     * Beyond the window, frames wait for the client to confirm: a pong to the ping sent then, or an
     * ack.
     */
    static final int BLOCKING_WINDOW_CHARS = 2 * 1024;
    /**
     * A single frame larger than the window is still written blocking, up to this many characters
     * (12 KB in UTF-8 at most), once the client has confirmed everything before it: its kernel
     * buffers then hold nothing of ours. Merged chat comes in such frames when many chat at once
     * (2–4 K characters in the class-end storm), and written asynchronously each would hold a
     * Liberty thread at its client's close.
     */
    static final int LARGE_FRAME_CHARS = 4 * 1024;
    /** Characters handed to the socket so far. */
    private final AtomicLong writtenChars = new AtomicLong();
    /** Of those, how many the client has shown it read (an ack: all of them; a pong: those before its ping). */
    private final AtomicLong confirmedChars = new AtomicLong();
    /** The ping awaiting its pong: its payload, and {@link #writtenChars} when it was sent; null when none. */
    private final AtomicReference<Ping> ping = new AtomicReference<>();

    /** A ping's payload (random, so a client cannot confirm what it has not read) and what it confirms. */
    private record Ping(long token, long mark, long sentAt) { }

    /**
     * Set while the session is written asynchronously, as before pacing: after a frame larger than
     * {@link #LARGE_FRAME_CHARS}, when a ping went unanswered for {@link #PONG_WAIT_NANOS} (a client
     * that does not answer pings), or when half the queue waits behind a ping (a client that sent
     * many requests at once: its pong is read after them). Cleared once the client confirms all
     * but a window's worth.
     */
    private volatile boolean unpaced;

    /** How long frames wait for the pong to a ping before the session is written unpaced. */
    static final long PONG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Text writes started on any session of this node, for the {@code ketang_gateway_socket_writes} gauge. */
    private static final LongAdder WRITES = new LongAdder();

    static long writes() {
        return WRITES.sum();
    }

    /** Why a session's writes went asynchronous (unpaced), for the {@code ketang_gateway_unpaced} gauges. */
    enum Unpaced {
        /** A frame larger than {@link #LARGE_FRAME_CHARS}. */
        LARGE_FRAME,
        /** No pong within {@link #PONG_WAIT_NANOS} beyond the node's own lag. */
        PONG_OVERDUE,
        /** Half the queue waited behind a ping. */
        PILE_UP;

        private final LongAdder times = new LongAdder();

        /** How many times a session of this node went unpaced for this reason. */
        long times() {
            return times.sum();
        }
    }

    private void unpace(Unpaced why) {
        if (!unpaced) {
            why.times.increment();
        }
        unpaced = true;
    }

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
        this(remote, blocking, () -> true, capacity, onOverflow, later);
    }

    SessionWriter(RemoteEndpoint.Async remote, RemoteEndpoint.Basic blocking, BooleanSupplier open, int capacity,
            Consumer<SessionWriter> onOverflow, Consumer<SessionWriter> later) {
        this(remote, blocking, open, capacity, onOverflow, later, SessionWriter::lingered);
    }

    SessionWriter(RemoteEndpoint.Async remote, RemoteEndpoint.Basic blocking, BooleanSupplier open, int capacity,
            Consumer<SessionWriter> onOverflow, Consumer<SessionWriter> later, Consumer<SessionWriter> soon) {
        this.soon = soon;
        this.remote = remote;
        this.blocking = blocking;
        this.open = open;
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

    /** Whether this session's writes wait for the client to confirm: one took too long, or the next would pass the window. */
    boolean lagging() {
        String head = queue.peek();
        return lagging || head != null && wayFor(head.length()) == Way.WAIT;
    }

    private long unconfirmed() {
        return writtenChars.get() - confirmedChars.get();
    }

    /**
     * The client showed it reads what it is sent (it acked): everything written so far counts as
     * read, and what waits is written. A write that was slow for the network's sake rather than
     * the client's gets another chance too.
     */
    void confirmed() {
        ping.set(null); // its pong, should it still come, says less than this
        confirmUpTo(writtenChars.get());
    }

    /**
     * A pong came: if it answers the ping in flight, the client has read everything written before
     * that ping. Anything else (an unsolicited pong, a stale or forged payload) confirms nothing.
     */
    void ponged(ByteBuffer payload) {
        Ping asked = ping.get();
        if (asked == null || payload.remaining() != Long.BYTES || payload.getLong(payload.position()) != asked.token()
                || !ping.compareAndSet(asked, null)) {
            return;
        }
        confirmUpTo(asked.mark());
    }

    /**
     * Called now and then (the sweep): frames that waited longer than {@link #PONG_WAIT_NANOS} for
     * the pong to a ping, beyond {@code excusedNanos} (the node itself ran behind, and read the
     * pong late), go out unpaced. True when that happened now.
     */
    boolean pongOverdue(long now, long excusedNanos) {
        Ping asked = ping.get();
        if (asked == null || unpaced || queue.isEmpty() || now - asked.sentAt() - excusedNanos <= PONG_WAIT_NANOS) {
            return false;
        }
        unpace(Unpaced.PONG_OVERDUE);
        if (!writing.get() && flushPending.compareAndSet(false, true)) {
            later.accept(this);
        }
        return true;
    }

    private void confirmUpTo(long mark) {
        confirmedChars.accumulateAndGet(mark, Math::max);
        lagging = false;
        if (unpaced && unconfirmed() <= BLOCKING_WINDOW_CHARS) {
            unpaced = false;
        }
        if (!queue.isEmpty() && !writing.get() && flushPending.compareAndSet(false, true)) {
            later.accept(this); // what waited for the confirmation
        }
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
            Way way = wayFor(frame.length());
            if (way != Way.WAIT) {
                if (send(frame, way)) {
                    writing.set(false);
                    writeNext();
                }
                return true;
            }
            writing.set(false);
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

    /**
     * Queues a frame that need not go out at once (the reply to an {@code ack}): it leaves with
     * this session's next write, in the same {@code frames} envelope, and {@code soon} starts a
     * write for it when no other comes meanwhile ({@link #lingered}). In a room that is being sent
     * messages, that next write comes within a message's interval, so the reply costs no write of
     * its own. False as for {@link #offer}.
     */
    boolean offerSoon(String frame) {
        if (closed || finisher.get() != null) {
            return false;
        }
        if (!enqueue(frame)) {
            return false;
        }
        if (lingerPending.compareAndSet(false, true)) {
            soon.accept(this);
        }
        return true;
    }

    /** The time a frame may linger ({@link #offerSoon}) is up: a write for what waits, unless one is in flight or asked for. */
    void lingered() {
        lingerPending.set(false);
        if (!queue.isEmpty() && !writing.get() && flushPending.compareAndSet(false, true)) {
            later.accept(this);
        }
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
        if (ping.get() != null && !unpaced && queued.get() >= capacity / 2) {
            // the pong is late while frames pile up: most likely the client's own requests are
            // queued ahead of it in the node's read (a client that sends many at once), since its
            // replies are among what waits; write them unpaced rather than call it too slow
            unpace(Unpaced.PILE_UP);
            if (!writing.get() && flushPending.compareAndSet(false, true)) {
                later.accept(this);
            }
        }
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
            String head = queue.peek(); // only the holder of writing takes from the queue
            if (head == null) {
                writing.set(false);
                // a frame queued between peek and release would otherwise wait for the next offer
                if (queue.isEmpty()) {
                    runFinisher();
                    return;
                }
                continue;
            }
            Way way = wayFor(head.length());
            if (way == Way.WAIT) {
                askToConfirm();
                writing.set(false);
                // a confirmation that came meanwhile found writing held and asked for no flush
                if (wayFor(head.length()) == Way.WAIT) {
                    return;
                }
                continue;
            }
            queue.poll();
            queued.decrementAndGet();
            long room = way == Way.BLOCKING ? BLOCKING_WINDOW_CHARS - unconfirmed() : MAX_BATCH_CHARS;
            if (!send(queue.peek() == null ? head : batch(head, room), way)) {
                return; // asynchronous: its completion goes on
            }
            writing.set(false); // written: take what queued meanwhile
        }
    }

    /** How the next write of this many characters goes. */
    private enum Way { BLOCKING, ASYNCHRONOUS, WAIT }

    /** Reads the state only: {@link #lagging} asks it too. */
    private Way wayFor(int chars) {
        if (blocking == null || unpaced) {
            return Way.ASYNCHRONOUS;
        }
        if (lagging) {
            return Way.WAIT;
        }
        long unconfirmed = unconfirmed();
        if (unconfirmed + chars <= BLOCKING_WINDOW_CHARS) {
            return Way.BLOCKING;
        }
        if (chars > BLOCKING_WINDOW_CHARS && unconfirmed == 0) {
            if (chars <= LARGE_FRAME_CHARS) {
                return Way.BLOCKING; // alone, once all before it is confirmed
            }
            // larger still (a long pull): never blocking, since the kernel's buffers may not hold
            // it; asynchronous, and then unpaced until an ack (see send)
            return Way.ASYNCHRONOUS;
        }
        return Way.WAIT;
    }

    /**
     * Asks the client to show it reads, the caller holding {@link #writing}: a ping, unless one is
     * out. A ping is sent only while what is unconfirmed fits the kernel's buffers (at most a
     * {@link #LARGE_FRAME_CHARS} frame), so it never blocks on a client that stopped reading; past
     * a frame larger than that, only an ack confirms.
     */
    private void askToConfirm() {
        if (ping.get() != null || unconfirmed() > LARGE_FRAME_CHARS) {
            return;
        }
        if (!open.getAsBoolean()) {
            close(); // the socket is closing; the close handler cleans up
            return;
        }
        long now = System.nanoTime();
        Ping asked = new Ping(ThreadLocalRandom.current().nextLong(), writtenChars.get(), now == 0 ? 1 : now);
        ping.set(asked);
        blockingSince = System.nanoTime();
        try {
            blocking.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, asked.token()));
        } catch (IOException | RuntimeException e) {
            close(); // the socket is closing; the close handler cleans up
        } finally {
            blockingSince = 0;
        }
    }

    /**
     * Writes, the caller holding {@link #writing}: blocking (true: written, or failed and closed;
     * the caller releases {@link #writing}), or asynchronously (false: {@link #written} releases it).
     */
    private boolean send(String text, Way way) {
        if (ackDue.get() && ackDue.getAndSet(false)) {
            long now = System.nanoTime();
            awaitingAckSince.compareAndSet(0, now == 0 ? 1 : now);
        }
        writtenChars.addAndGet(text.length());
        WRITES.increment();
        if (way == Way.BLOCKING) {
            if (!open.getAsBoolean()) {
                close(); // the socket is closing; the close handler cleans up
                return true;
            }
            long start = System.nanoTime();
            blockingSince = start;
            try {
                blocking.sendText(text);
            } catch (IOException | RuntimeException e) {
                close(); // the socket is closing; the close handler cleans up
                return true;
            } finally {
                blockingSince = 0;
            }
            if (System.nanoTime() - start > SLOW_WRITE_NANOS) {
                lagging = true; // the kernel's buffers were full: wait until the client confirms
            }
            return true;
        }
        // what is written asynchronously may fill the kernel's buffers: no blocking write, and no
        // ping (it could block), until the client has confirmed all but a window's worth
        if (blocking != null) {
            unpace(Unpaced.LARGE_FRAME); // the only way here of a paced session: counted unless already unpaced
        } else {
            unpaced = true;
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
    /** The characters a {@code frames} envelope adds to what it holds. */
    private static final int ENVELOPE_CHARS = "{\"type\":\"frames\",\"frames\":[]}".length();

    private String batch(String first, long room) {
        long limit = Math.min(MAX_BATCH_CHARS, room);
        if (first.length() + ENVELOPE_CHARS >= limit) {
            return first;
        }
        StringBuilder out = new StringBuilder(Math.min(MAX_BATCH_CHARS, first.length() * 4) + 32)
                .append("{\"type\":\"frames\",\"frames\":[").append(first);
        int frames = 1;
        String next;
        while (frames < MAX_BATCH_FRAMES && out.length() < limit
                && (next = queue.peek()) != null && out.length() + next.length() + 3 <= limit) {
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
