package io.ketang.heartbeat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.Seat;
import io.ketang.platform.sessions.SessionEntry;
import io.ketang.shared.Role;
import io.ketang.shared.Terminal;

class VacanciesTest {

    private static final long REJOIN_MS = 65_000;
    private static final long NOW = 1_000_000;

    private static Member member(Map<Terminal, Seat> seats) {
        return new Member(42, Role.STUDENT, null, seats, 0);
    }

    @Test
    void theSessionThatJoinedIsStillConnectedSoItStays() {
        var m = member(Map.of(Terminal.APP, new Seat("node-a", "s1")));
        var v = Vacancies.of(m, Map.of(Terminal.APP, new SessionEntry("node-a", "s1", NOW - 500_000)), NOW, REJOIN_MS);
        assertThat(v.gone()).isEmpty();
        assertThat(v.decideAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewerSessionOnTheSameNodeThatDidNotRejoinWithinTheTimeoutLeavesTheSeat() {
        var m = member(Map.of(Terminal.APP, new Seat("node-a", "s1"), Terminal.WEB, new Seat("node-a", "s2")));
        var live = Map.of(Terminal.APP, new SessionEntry("node-a", "s9", NOW - REJOIN_MS),
                Terminal.WEB, new SessionEntry("node-a", "s2", NOW - 900_000));
        var v = Vacancies.of(m, live, NOW, REJOIN_MS);
        assertThat(v.gone()).containsExactly(Terminal.APP);
        assertThat(v.decideAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewerSessionStillWithinItsTimeToRejoinIsWaitedFor() {
        var m = member(Map.of(Terminal.PC, new Seat("node-a", "s1")));
        var v = Vacancies.of(m, Map.of(Terminal.PC, new SessionEntry("node-b", "s1", NOW - 5_000)), NOW, REJOIN_MS);
        assertThat(v.gone()).isEmpty();
        assertThat(v.decideAt()).isEqualTo(NOW - 5_000 + REJOIN_MS);
    }

    @Test
    void aTerminalWhoseSessionEndedIsGoneWhileAnotherTerminalIsConnected() {
        var m = member(Map.of(Terminal.APP, new Seat("node-a", "s1"), Terminal.WEB, new Seat("node-b", "s2")));
        var v = Vacancies.of(m, Map.of(Terminal.WEB, new SessionEntry("node-b", "s2", NOW - 1_000)), NOW, REJOIN_MS);
        assertThat(v.gone()).containsExactly(Terminal.APP);
    }

    @Test
    void aSeatThatNamesNoSessionStaysWhileTheUserIsConnected() {
        var m = member(Map.of(Terminal.APP, new Seat("-", null)));
        var v = Vacancies.of(m, Map.of(Terminal.WEB, new SessionEntry("node-b", "s2", NOW - REJOIN_MS * 2)), NOW, REJOIN_MS);
        assertThat(v.gone()).isEmpty();
        assertThat(v.decideAt()).isEqualTo(Long.MAX_VALUE);
    }
}
