package io.ketang.room.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.ketang.shared.Role;

class RightsTest {

    @Test
    void staffKindsAreForTeachersAndAssistantsOnly() {
        for (String kind : new String[] {"signal", "quiz.start", "quiz.end", "signin.start", "signin.end",
                "redpacket.send", "hand.accept", "mute", "unmute", "kick"}) {
            assertThat(Rights.maySend(Role.TEACHER, kind)).as(kind).isTrue();
            assertThat(Rights.maySend(Role.ASSISTANT, kind)).as(kind).isTrue();
            assertThat(Rights.maySend(Role.STUDENT, kind)).as(kind).isFalse();
            assertThat(Rights.rule(kind).orElseThrow().importantFrom(Role.TEACHER)).as(kind).isTrue();
        }
    }

    @Test
    void studentKindsAreForStudentsOnly() {
        for (String kind : new String[] {"hand.raise", "hand.lower", "flower", "signin", "answer", "redpacket.grab"}) {
            assertThat(Rights.maySend(Role.STUDENT, kind)).as(kind).isTrue();
            assertThat(Rights.maySend(Role.TEACHER, kind)).as(kind).isFalse();
        }
    }

    @Test
    void chatIsForEveryoneButObserversAndImportantOnlyFromStaff() {
        assertThat(Rights.maySend(Role.STUDENT, "chat")).isTrue();
        assertThat(Rights.maySend(Role.TEACHER, "chat")).isTrue();
        assertThat(Rights.maySend(Role.OBSERVER, "chat")).isFalse();
        assertThat(Rights.rule("chat").orElseThrow().importantFrom(Role.TEACHER)).isTrue();
        assertThat(Rights.rule("chat").orElseThrow().importantFrom(Role.STUDENT)).isFalse();
    }

    @Test
    void observersSendNothingAndUnknownKindsNobody() {
        for (String kind : Rights.kinds()) {
            assertThat(Rights.maySend(Role.OBSERVER, kind)).as(kind).isFalse();
        }
        assertThat(Rights.maySend(Role.TEACHER, "teleport")).isFalse();
        assertThat(Rights.rule(null)).isEmpty();
    }
}
