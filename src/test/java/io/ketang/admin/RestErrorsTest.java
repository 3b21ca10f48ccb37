package io.ketang.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

class RestErrorsTest {

    @Test
    void aRefusedConnectionDeepInTheCausesIsTheDatabaseAway() {
        // what EclipseLink throws when PostgreSQL refuses the connection
        var refused = new SQLException("Connection to 127.0.0.1:15432 refused", "08001");
        var wrapped = new IllegalStateException("Exception [EclipseLink-4002]", new RuntimeException(refused));
        assertThat(RestErrors.databaseAway(wrapped)).isTrue();
        assertThat(RestErrors.databaseAway(new RuntimeException(new SQLTransientConnectionException("pool timeout")))).isTrue();
    }

    @Test
    void otherFailuresAreStillOurs() {
        assertThat(RestErrors.databaseAway(new IllegalStateException("bug"))).isFalse();
        // a constraint violation is the database answering, not away
        assertThat(RestErrors.databaseAway(new RuntimeException(new SQLException("duplicate key", "23505")))).isFalse();
    }
}
