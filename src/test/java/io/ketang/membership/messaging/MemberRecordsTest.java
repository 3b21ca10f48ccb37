package io.ketang.membership.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.ketang.membership.internal.MemberEntry;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

class MemberRecordsTest {

    private static final RoomRef ROOM = new RoomRef("school", "math-1");

    @Test
    void anEntryReadsBackAsItWasWrittenWithItsSession() {
        MemberEntry entry = new MemberEntry(ROOM, 42, Terminal.APP, Role.STUDENT, "node-a", "s17", "g2", 1_700_000_000_000L);
        String key = MemberRecords.key(ROOM, 42, Terminal.APP);
        assertThat(MemberRecords.entry(MemberRecords.parseKey(key), MemberRecords.value(entry))).isEqualTo(entry);
    }

    @Test
    void aRecordWrittenBeforeSessionsWereRecordedReadsWithNone() {
        var key = MemberRecords.parseKey("school/math-1/42/web");
        MemberEntry read = MemberRecords.entry(key, "{\"v\":1,\"role\":\"teacher\",\"node\":\"node-b\",\"joinedAt\":5}");
        assertThat(read).isEqualTo(new MemberEntry(ROOM, 42, Terminal.WEB, Role.TEACHER, "node-b", null, null, 5));
    }
}
