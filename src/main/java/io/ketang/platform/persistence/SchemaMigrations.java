package io.ketang.platform.persistence;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import org.flywaydb.core.Flyway;

/**
 * Applies the Flyway migrations of {@code db/migration} when the application starts. PostgreSQL
 * may be down at that moment; the node then retries in the background and readiness says the
 * schema is not there yet. The hot path never touches the database, so nothing else waits on it.
 */
@ApplicationScoped
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    @Resource(lookup = "jdbc/ketang")
    DataSource dataSource;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private volatile boolean migrated;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        scheduler.execute(this::attempt);
    }

    private void attempt() {
        try {
            var result = Flyway.configure(SchemaMigrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    // callbacks, if any, sit beside the migrations; a missing location is an error, not "no migrations"
                    .callbackLocations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            migrated = true;
            // Flyway names no target version when there was nothing to apply: the schema stays where it was
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            LOG.info(() -> "Database schema at version " + version + " (" + result.migrationsExecuted + " migrations applied now)");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Database migration not done yet ({0}); retrying in 5 s", e.toString());
            scheduler.schedule(this::attempt, 5, TimeUnit.SECONDS);
        }
    }

    /** Whether the schema has been brought up to date since this node started. */
    public boolean migrated() {
        return migrated;
    }
}
