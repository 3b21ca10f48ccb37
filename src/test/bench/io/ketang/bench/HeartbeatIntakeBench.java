package io.ketang.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.internal.BeatBatch;
import io.ketang.heartbeat.internal.BeatKey;
import io.ketang.heartbeat.internal.TimerWheel;
import io.ketang.membership.internal.MemberEntry;
import io.ketang.membership.internal.Roster;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Heartbeat intake on a node: the gateway's merge of beats before a flush, and the owner's work
 * per beat off the bus (find the member, hash the key to its partition, push the timer out), for
 * 60,000 users whose timers the node holds.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class HeartbeatIntakeBench {

    static final int USERS = 60_000;
    static final RoomRef ROOM = new RoomRef("school", "big-class");

    Roster roster;
    TimerWheel<BeatKey> wheel;
    BeatBatch batch;
    long now = 1_000_000;

    @Setup(Level.Trial)
    public void fill() {
        roster = new Roster();
        wheel = new TimerWheel<>(250);
        batch = new BeatBatch();
        for (long uin = 1; uin <= USERS; uin++) {
            roster.put(new MemberEntry(ROOM, uin, Terminal.APP, Role.STUDENT, "node-1", "s-" + uin, null, uin));
            wheel.schedule(new BeatKey(ROOM, uin), now + 65_000);
        }
    }

    @State(Scope.Thread)
    public static class Dice {
        final SplittableRandom random = new SplittableRandom(7);
    }

    /** The owner's work for one heartbeat record. */
    @Benchmark
    public boolean ownerTakesABeat(Dice dice) {
        long uin = 1 + dice.random.nextLong(USERS);
        BeatKey key = new BeatKey(ROOM, uin);
        if (roster.get(uin) == null || key.partition(6) < 0) {
            return false;
        }
        wheel.schedule(key, now + 65_000 + dice.random.nextInt(20_000));
        return true;
    }

    /** The gateway's work for one heartbeat frame, before the merged flush. */
    @Benchmark
    public int gatewayNotesABeat(Dice dice) {
        long uin = 1 + dice.random.nextLong(USERS);
        batch.note(new Beat(ROOM, uin, Role.STUDENT, Terminal.APP, now));
        return batch.size();
    }
}
