package io.ketang.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

/**
 * What every frame a client sends passes before a handler sees it (docs/protocol.md): the size
 * limit, one JSON object with a string type and an integer id, the frame budget (and flooding),
 * {@code hello} first; then the handler of its type. Every frame is answered: an unreadable,
 * refused or failed one with the protocol's error, naming its id when it has one.
 */
final class FrameIntake {

    private static final Logger LOG = Logger.getLogger(FrameIntake.class.getName());

    /** Handles one type of frame from a session; the id is the frame's, null without one. */
    @FunctionalInterface
    interface Handler {
        void handle(ClientSession session, JsonObject frame, Long id);
    }

    private final GatewaySettings settings;
    private final Map<String, Handler> handlers;
    private final BiConsumer<ClientSession, Disconnect> disconnect;
    private final LongSupplier nanoClock;
    private final LongSupplier behindLately;
    /**
     * How far behind the node must have run before a run of refusals is not held against a
     * client: a client within its budget saves up at most a burst, which refills in burst/rate
     * seconds, so a shorter stall cannot have made it look like a flooder.
     */
    private final long floodExcuseNanos;

    /**
     * @param handlers     by frame type; {@code hello} is the one a session may send before it said hello
     * @param disconnect   closes a session for a reason the protocol names
     * @param nanoClock    System::nanoTime, or a test's clock
     * @param behindLately how long the node ran behind lately, in nanoseconds (see {@link SweepLag})
     */
    FrameIntake(GatewaySettings settings, Map<String, Handler> handlers, BiConsumer<ClientSession, Disconnect> disconnect,
                LongSupplier nanoClock, LongSupplier behindLately) {
        this.settings = settings;
        this.handlers = Map.copyOf(handlers);
        this.disconnect = disconnect;
        this.nanoClock = nanoClock;
        this.behindLately = behindLately;
        double refillSec = Math.max(settings.studentBurst() / settings.studentRate(), settings.staffBurst() / settings.staffRate());
        this.floodExcuseNanos = (long) (refillSec * 1e9);
    }

    void received(ClientSession session, String text) {
        if (tooLarge(text)) {
            if (++session.tooLarge > 1) {
                disconnect.accept(session, Disconnect.TOO_LARGE);
            } else {
                session.send(Frames.error(null, ErrorCode.TOO_LARGE, "a frame may hold at most " + settings.maxFrameBytes() + " bytes"));
            }
            return;
        }
        JsonObject frame = Frames.parse(text);
        // every frame counts against the budget, unreadable ones too; a refusal names the frame's id
        Long id = frame == null ? null : Frames.id(frame);
        if (!admit(session, id)) {
            return;
        }
        if (frame == null) {
            session.send(Frames.error(null, ErrorCode.BAD_FRAME,
                    "a frame is exactly one JSON object with a string type, nested at most " + Frames.MAX_DEPTH + " levels"));
            return;
        }
        if (id == null && Frames.hasId(frame)) {
            session.send(Frames.error(null, ErrorCode.BAD_FRAME, "id must be an integer"));
            return;
        }
        String type = frame.getString("type");
        if (!session.authenticated() && !"hello".equals(type)) {
            session.send(Frames.error(id, ErrorCode.UNAUTHORIZED, "say hello first"));
            return;
        }
        Handler handler = handlers.get(type);
        if (handler == null) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "unknown type"));
            return;
        }
        // while a frame is handled (a join waiting on an unreachable database, say), the client's
        // next frames, heartbeats included, wait unread: the silence is the server's, not the client's
        session.handlingSince = nanoClock.getAsLong();
        try {
            handler.handle(session, frame, id);
        } catch (Frames.BadFrame bad) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, bad.getMessage()));
        } catch (RuntimeException bug) {
            // what went wrong is logged here, never sent to the client
            LOG.log(Level.SEVERE, "A " + type + " frame failed", bug);
            session.send(Frames.error(id, ErrorCode.INTERNAL, "internal error"));
        } finally {
            long now = nanoClock.getAsLong();
            if (now - session.handlingSince > TimeUnit.SECONDS.toNanos(1) && session.authenticated()) {
                session.lastHeartbeat = now; // it was waiting on us
            }
            session.handlingSince = 0;
        }
    }

    /**
     * The frame budget; a client that ignores RATE_LIMITED for {@code flood-strikes} frames in a
     * row is flooding, unless the node ran so far behind lately that it may have read a backlog of
     * the client's frames at once, none of them sent after a refusal.
     */
    private boolean admit(ClientSession session, Long id) {
        long retryAfterMs = session.frames.take(nanoClock.getAsLong());
        if (retryAfterMs == 0) {
            session.refusedInARow = 0;
            return true;
        }
        if (++session.refusedInARow > settings.floodStrikes() && behindLately.getAsLong() < floodExcuseNanos) {
            disconnect.accept(session, Disconnect.FLOODING);
            return false;
        }
        session.send(Frames.rateLimited(id, "too many frames", retryAfterMs));
        return false;
    }

    private boolean tooLarge(String text) {
        int max = settings.maxFrameBytes();
        // a char is at most 3 UTF-8 bytes in a Java string (surrogate pairs: 4 bytes for 2 chars)
        if (text.length() * 3L <= max) {
            return false;
        }
        return text.length() > max || text.getBytes(StandardCharsets.UTF_8).length > max;
    }
}
