package io.ketang.bench;

import java.util.Optional;
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

import io.ketang.membership.api.Member;
import io.ketang.membership.api.MemberPage;
import io.ketang.membership.api.RoomCounts;
import io.ketang.membership.internal.MemberEntry;
import io.ketang.membership.internal.Roster;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * The member list of one room of 60,000 (a teacher, 20 assistants, students in groups of 30,
 * on app, web and pc): member reads, counts, filtered pages, and applied changes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class MemberListBench {

    static final int MEMBERS = 60_000;
    static final RoomRef ROOM = new RoomRef("school", "big-class");

    Roster roster;

    @Setup(Level.Trial)
    public void fill() {
        roster = new Roster();
        for (long uin = 1; uin <= MEMBERS; uin++) {
            roster.put(entry(uin, Terminal.values()[(int) (uin % 3)]));
        }
    }

    static MemberEntry entry(long uin, Terminal terminal) {
        Role role = uin == 1 ? Role.TEACHER : uin <= 21 ? Role.ASSISTANT : Role.STUDENT;
        String group = role == Role.STUDENT ? "g" + ((uin - 22) / 30 + 1) : null;
        return new MemberEntry(ROOM, uin, terminal, role, "node-1", "s-" + uin, group, uin);
    }

    /** Each thread its own random stream. */
    @State(Scope.Thread)
    public static class Dice {
        final SplittableRandom random = new SplittableRandom(42);

        long uin() {
            return 1 + random.nextLong(MEMBERS);
        }
    }

    @Benchmark
    public Member readOneMember(Dice dice) {
        return roster.get(dice.uin());
    }

    @Benchmark
    public int readCount() {
        return roster.size();
    }

    @Benchmark
    public RoomCounts readCountsByRoleAndGroup() {
        return roster.counts();
    }

    @Benchmark
    public MemberPage pageOfStudentsOnApp(Dice dice) {
        return roster.page(Optional.of(Role.STUDENT), Optional.of(Terminal.APP), dice.uin(), 100);
    }

    /** One applied change: a member's second terminal comes or goes. */
    @Benchmark
    public Roster.Change applyChange(Dice dice) {
        long uin = dice.uin();
        Member m = roster.get(uin);
        Terminal second = Terminal.values()[(int) ((uin + 1) % 3)];
        if (m.terminals().containsKey(second)) {
            return roster.remove(uin, second);
        }
        return roster.put(entry(uin, second));
    }
}
