package io.ketang.classroom.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.ketang.shared.Role;

class MessagesTest {

    @Test
    void onlyRelayedUnimportantMessagesSpendTheChatBudget() {
        assertThat(Messages.spendsChatBudget(Role.STUDENT, "chat")).isTrue();
        assertThat(Messages.spendsChatBudget(Role.TEACHER, "chat")).as("staff speech is important").isFalse();
        assertThat(Messages.spendsChatBudget(Role.TEACHER, "signal")).isFalse();
        // the classroom's interactions are answered one by one, whatever their kind's importance
        for (String kind : new String[] {"signin", "answer", "redpacket.grab", "hand.raise", "hand.lower", "flower"}) {
            assertThat(Messages.spendsChatBudget(Role.STUDENT, kind)).as(kind).isFalse();
        }
        assertThat(Messages.spendsChatBudget(Role.STUDENT, "teleport")).as("unknown kinds are refused elsewhere").isFalse();
    }

    @Test
    void theClassroomHoldsItsKindsAndNothingElse() {
        assertThat(Classroom.holds("redpacket.grab")).isTrue();
        assertThat(Classroom.holds("chat")).isFalse();
        assertThat(Classroom.holds("kick")).isFalse();
    }
}
