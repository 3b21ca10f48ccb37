package io.ketang.membership.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.ketang.membership.api.MemberPage;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

class RosterTest {

    static final RoomRef ROOM = new RoomRef("school", "r1");

    static MemberEntry entry(long uin, Role role, Terminal t, String group) {
        return new MemberEntry(ROOM, uin, t, role, "node-a", "s-" + uin, group, 1000 + uin);
    }

    @Test
    void aMemberIsCountedOnceWhateverTheirTerminalsAndLeavesWithTheLast() {
        Roster roster = new Roster();
        assertThat(roster.put(entry(1, Role.STUDENT, Terminal.APP, "g1"))).isEqualTo(Roster.Change.JOINED);
        assertThat(roster.put(entry(1, Role.STUDENT, Terminal.PC, null))).isEqualTo(Roster.Change.UPDATED);
        assertThat(roster.size()).isEqualTo(1);
        assertThat(roster.get(1).terminals()).containsOnlyKeys(Terminal.APP, Terminal.PC);
        assertThat(roster.get(1).group()).as("a later entry without a group keeps the seat").isEqualTo("g1");
        assertThat(roster.counts().byGroup()).containsEntry("g1", 1);

        assertThat(roster.remove(1, Terminal.APP)).isEqualTo(Roster.Change.UPDATED);
        assertThat(roster.remove(1, Terminal.APP)).isEqualTo(Roster.Change.NONE);
        assertThat(roster.remove(1, Terminal.PC)).isEqualTo(Roster.Change.LEFT);
        assertThat(roster.isEmpty()).isTrue();
        assertThat(roster.counts().byGroup()).isEmpty();
    }

    @Test
    void countsPerRoleAndGroup() {
        Roster roster = new Roster();
        roster.put(entry(1, Role.TEACHER, Terminal.PC, null));
        roster.put(entry(2, Role.ASSISTANT, Terminal.WEB, null));
        for (long uin = 10; uin < 20; uin++) {
            roster.put(entry(uin, Role.STUDENT, Terminal.APP, uin < 15 ? "g1" : "g2"));
        }
        var counts = roster.counts();
        assertThat(counts.total()).isEqualTo(12);
        assertThat(counts.byRole()).containsEntry(Role.TEACHER, 1).containsEntry(Role.ASSISTANT, 1).containsEntry(Role.STUDENT, 10);
        assertThat(counts.byGroup()).containsEntry("g1", 5).containsEntry("g2", 5);
    }

    @Test
    void pagesAreFilteredBeforePagingAndTheCursorIsStable() {
        Roster roster = new Roster();
        for (long uin = 1; uin <= 100; uin++) {
            roster.put(entry(uin, uin % 10 == 0 ? Role.ASSISTANT : Role.STUDENT, uin % 2 == 0 ? Terminal.APP : Terminal.WEB, null));
        }
        MemberPage first = roster.page(Optional.of(Role.STUDENT), Optional.of(Terminal.APP), 0, 10);
        assertThat(first.members()).extracting(m -> m.uin()).containsExactly(2L, 4L, 6L, 8L, 12L, 14L, 16L, 18L, 22L, 24L);
        // someone before the cursor leaves: the next page is unaffected
        roster.remove(4, Terminal.APP);
        MemberPage second = roster.page(Optional.of(Role.STUDENT), Optional.of(Terminal.APP), first.next(), 10);
        assertThat(second.members().get(0).uin()).isEqualTo(26L);

        MemberPage assistants = roster.page(Optional.of(Role.ASSISTANT), Optional.empty(), 0, 100);
        assertThat(assistants.members()).hasSize(10);
        assertThat(assistants.next()).as("the last page has no cursor").isNull();
    }

    @Test
    void aGroupIsPagedWithTheSameCursor() {
        Roster roster = new Roster();
        for (long uin = 1; uin <= 90; uin++) {
            roster.put(entry(uin, Role.STUDENT, Terminal.APP, "g" + (uin % 3)));
        }
        MemberPage first = roster.page(Optional.empty(), Optional.empty(), Optional.of("g1"), 0, 20);
        assertThat(first.members()).hasSize(20).allMatch(m -> "g1".equals(m.group()));
        assertThat(first.members().get(0).uin()).isEqualTo(1L);
        MemberPage rest = roster.page(Optional.of(Role.STUDENT), Optional.empty(), Optional.of("g1"), first.next(), 20);
        assertThat(rest.members()).hasSize(10).allMatch(m -> "g1".equals(m.group()));
        assertThat(rest.next()).isNull();
        assertThat(roster.page(Optional.empty(), Optional.empty(), Optional.of("g9"), 0, 20).members()).isEmpty();
    }
}
