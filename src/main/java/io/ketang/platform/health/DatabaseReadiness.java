package io.ketang.platform.health;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.ketang.platform.persistence.SchemaMigrations;

/** Ready when PostgreSQL hands out a valid connection and the schema is migrated. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    @Resource(lookup = "jdbc/ketang")
    DataSource dataSource;

    @Inject
    SchemaMigrations migrations;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("postgresql");
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(2)) {
                return response.down().withData("reason", "connection not valid").build();
            }
            if (!migrations.migrated()) {
                return response.down().withData("reason", "schema not migrated yet").build();
            }
            return response.up().build();
        } catch (SQLException | RuntimeException e) {
            return response.down().withData("reason", Reasons.of(e)).build();
        }
    }
}
