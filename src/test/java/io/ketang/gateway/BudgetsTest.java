package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A user's budget outlives the connection that spent it. */
class BudgetsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aReconnectFindsTheBudgetAsTheLastConnectionLeftIt() {
        Budgets budgets = new Budgets(2, 5);
        Budgets.Budget first = budgets.acquire("acme/7", 0);
        for (int i = 0; i < 5; i++) {
            assertThat(first.take(0)).isZero();
        }
        budgets.release("acme/7");
        budgets.sweep(0);

        Budgets.Budget again = budgets.acquire("acme/7", 0);
        assertThat(again.take(0)).as("refused: the burst was spent").isEqualTo(500);
    }

    @Test
    void twoSessionsOfOneUserShareOneBudget() {
        Budgets budgets = new Budgets(2, 5);
        Budgets.Budget a = budgets.acquire("acme/7", 0);
        Budgets.Budget b = budgets.acquire("acme/7", 0);
        assertThat(a).isSameAs(b);
        assertThat(budgets.acquire("acme/8", 0)).isNotSameAs(a);
    }

    @Test
    void aBudgetIsForgottenOnlyOnceNobodyHoldsItAndItHasRefilled() {
        Budgets budgets = new Budgets(2, 5);
        Budgets.Budget held = budgets.acquire("acme/7", 0);
        held.take(0);
        budgets.sweep(10 * SECOND);
        assertThat(budgets.size()).as("held").isEqualTo(1);

        budgets.release("acme/7");
        budgets.sweep(0);
        assertThat(budgets.size()).as("not refilled yet").isEqualTo(1);
        budgets.sweep(SECOND);
        assertThat(budgets.size()).isZero();
    }
}
