package io.ketang.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's binaries from Maven Central) with its data under the
 * stack's directory, and a {@code ketang} role and database that Ketang's Flyway migrates.
 */
final class PostgresServer implements StackService {

    private final StackSettings settings;
    private final Path dataDir;
    private EmbeddedPostgres postgres;

    PostgresServer(StackSettings settings) {
        this.settings = settings;
        this.dataDir = settings.dataDir().resolve("postgres");
    }

    @Override
    public String name() {
        return "PostgreSQL on " + settings.host() + ":" + settings.postgresPort();
    }

    @Override
    public void stopStale() {
        // postgres keeps its own pid file in the data directory; a live one is a stale server of ours
        if (postgres == null) {
            ChildProcess.stopStale(dataDir.resolve("postmaster.pid"), "postgres", "PostgreSQL");
        }
    }

    @Override
    public void start() throws IOException {
        stopStale();
        StackSettings.requireFree("PostgreSQL", settings.host(), settings.postgresPort(), "KETANG_LOCAL_POSTGRES_PORT");
        Files.createDirectories(dataDir.getParent());
        postgres = EmbeddedPostgres.builder()
                .setPort(settings.postgresPort())
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", settings.host())
                .setServerConfig("max_connections", "100")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(settings.dataDir().resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(settings.dataDir().resolve("postgres.log").toFile()))
                .start();
        createKetangDatabase();
    }

    @Override
    public void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL did not stop cleanly", e);
        } finally {
            postgres = null;
        }
    }

    @Override
    public boolean isRunning() {
        return postgres != null;
    }

    private void createKetangDatabase() throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            if (!exists(s, "select 1 from pg_roles where rolname = '" + StackSettings.DB_USER + "'")) {
                s.execute("create role " + StackSettings.DB_USER + " login password '" + StackSettings.DB_PASSWORD + "'");
            }
            if (!exists(s, "select 1 from pg_database where datname = '" + settings.database() + "'")) {
                s.execute("create database " + settings.database() + " owner " + StackSettings.DB_USER);
            }
        } catch (SQLException e) {
            throw new IOException("cannot prepare the ketang database", e);
        }
    }

    private static boolean exists(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            return rs.next();
        }
    }
}
