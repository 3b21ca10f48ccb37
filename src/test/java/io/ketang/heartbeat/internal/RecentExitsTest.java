package io.ketang.heartbeat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.api.Exited;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

class RecentExitsTest {

    @Test
    void anExitReadsBackAsItWasNotedUnderItsBusiness() {
        Exited exit = new Exited(new RoomRef("school", "math-1"), 42, Terminal.APP, ExitReason.TIMEOUT, 1_700_000_000_123L);
        assertThat(RecentExits.parse("school", RecentExits.encode(exit))).contains(exit);
    }

    @Test
    void somethingUnreadableIsSkippedNotThrown() {
        assertThat(RecentExits.parse("school", "{\"room\":\"r\"}")).isEmpty();
        assertThat(RecentExits.parse("school", "not json")).isEmpty();
    }
}
