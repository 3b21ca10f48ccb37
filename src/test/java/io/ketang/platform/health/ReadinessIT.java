package io.ketang.platform.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.ketang.localstack.LocalStackSession;
import io.ketang.localstack.StackService;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * Pulling the plug: while Kafka, Redis or PostgreSQL is down, readiness is DOWN and names it
 * with a reason; when it is back, readiness is UP again. Liveness does not follow dependencies.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReadinessIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @ParameterizedTest
    @ValueSource(strings = {"redis", "postgresql", "kafka"})
    void readinessFollowsEachDependency(String dependency) throws Exception {
        URI app = base.toURI();
        StackService server = switch (dependency) {
            case "redis" -> LocalStackSession.stack().redis();
            case "postgresql" -> LocalStackSession.stack().postgres();
            default -> LocalStackSession.stack().kafka();
        };
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(KetangHttp.get(app, "/health/ready").status()).isEqualTo(200));

        server.stop();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                KetangHttp.Reply ready = KetangHttp.get(app, "/health/ready");
                assertThat(ready.status()).isEqualTo(503);
                JsonObject check = check(ready.json(), dependency);
                assertThat(check.getString("status")).isEqualTo("DOWN");
                assertThat(check.getJsonObject("data").getString("reason")).isNotBlank();
            });
            // the node itself is fine: liveness must not get it restarted for a dependency's outage
            assertThat(KetangHttp.get(app, "/health/live").status()).isEqualTo(200);
        } finally {
            server.start();
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            KetangHttp.Reply ready = KetangHttp.get(app, "/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(check(ready.json(), dependency).getString("status")).isEqualTo("UP");
        });
    }

    @Test
    void theSchemaIsMigratedAtStart() throws Exception {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(KetangHttp.get(base.toURI(), "/health/ready").status()).isEqualTo(200));
        try (Connection db = DriverManager.getConnection(LocalStackSession.stack().jdbcUrl(), "ketang", "ketang");
             ResultSet versions = db.createStatement().executeQuery(
                     "select version from flyway_schema_history where success order by installed_rank");
             ResultSet rooms = db.getMetaData().getColumns(null, "public", "rooms", null)) {
            assertThat(versions.next()).as("a migration ran").isTrue();
            assertThat(versions.getString(1)).isEqualTo("1");
            var columns = new java.util.ArrayList<String>();
            while (rooms.next()) {
                columns.add(rooms.getString("COLUMN_NAME"));
            }
            assertThat(columns).contains("bid", "room_id", "title", "teacher_uin", "status", "settings", "created_at");
        }
    }

    private static JsonObject check(JsonObject health, String name) {
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> name.equals(c.getString("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no check named " + name + " in " + health));
    }
}
