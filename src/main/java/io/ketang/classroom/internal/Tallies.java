package io.ketang.classroom.internal;

import static io.ketang.shared.Jsonp.JSON;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.push.api.Priority;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomMessage;
import io.ketang.push.api.Target;
import io.ketang.shared.RoomRef;

/**
 * Live numbers, merged: a node that handled interactions in a room sends the room's staff one
 * {@code tally} (sign-ins, answers per choice, raised hands) at most every {@code tally-ms}, and the
 * whole room one {@code flowers} total at most every {@code flowers-ms}, read from Redis so every
 * node's tally says the same. A storm of 10,000 sign-ins is a handful of frames, not 10,000.
 */
@ApplicationScoped
public class Tallies {

    private static final Logger LOG = Logger.getLogger(Tallies.class.getName());

    @Inject
    ClassroomStore store;

    @Inject
    Pushes pushes;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ketang.classroom.tally-ms", defaultValue = "500")
    long tallyMs;

    @Inject
    @ConfigProperty(name = "ketang.classroom.flowers-ms", defaultValue = "1000")
    long flowersMs;

    private final Set<RoomRef> staffDirty = ConcurrentHashMap.newKeySet();
    private final Set<RoomRef> flowersDirty = ConcurrentHashMap.newKeySet();
    private java.util.concurrent.Future<?> tallying;
    private java.util.concurrent.Future<?> flowering;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        tallying = scheduler.scheduleWithFixedDelay(this::sendTallies, tallyMs, tallyMs, TimeUnit.MILLISECONDS);
        flowering = scheduler.scheduleWithFixedDelay(this::sendFlowers, flowersMs, flowersMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        for (var task : new java.util.concurrent.Future<?>[] {tallying, flowering}) {
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    /** Something staff follow changed in the room. */
    public void staffChanged(RoomRef room) {
        staffDirty.add(room);
    }

    /** A flower was given in the room. */
    public void flowersChanged(RoomRef room) {
        flowersDirty.add(room);
    }

    private void sendTallies() {
        for (RoomRef room : staffDirty) {
            staffDirty.remove(room);
            try {
                ClassroomStore.State s = store.state(room, 0);
                var body = JSON.createObjectBuilder();
                if (s.signinId() > 0) {
                    body.add("signin", JSON.createObjectBuilder().add("id", s.signinId()).add("open", s.signinOpen())
                            .add("signed", s.signedCount()).add("expected", store.expectedCount(room)));
                }
                if (s.quizId() > 0) {
                    var counts = JSON.createObjectBuilder();
                    store.quizCounts(room).forEach(counts::add);
                    body.add("quiz", JSON.createObjectBuilder().add("id", s.quizId()).add("open", s.quizOpen())
                            .add("answered", s.answeredCount()).add("counts", counts));
                }
                var queue = JSON.createArrayBuilder();
                s.hands().forEach(queue::add);
                body.add("hands", JSON.createObjectBuilder().add("count", s.handsCount()).add("queue", queue));
                pushes.publish(new RoomMessage(room, Target.STAFF, "tally", 0, "system", body.build().toString(),
                        System.currentTimeMillis()), Priority.NORMAL);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "A tally was not sent: {0}", e.toString());
            }
        }
    }

    private void sendFlowers() {
        for (RoomRef room : flowersDirty) {
            flowersDirty.remove(room);
            try {
                String body = JSON.createObjectBuilder().add("total", store.flowers(room)).build().toString();
                pushes.publish(new RoomMessage(room, Target.ROOM, "flowers", 0, "system", body, System.currentTimeMillis()),
                        Priority.NORMAL);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "A flower total was not sent: {0}", e.toString());
            }
        }
    }
}
