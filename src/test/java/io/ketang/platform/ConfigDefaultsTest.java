package io.ketang.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Defaults that are about safety: what a production install gets unless it says otherwise. */
class ConfigDefaultsTest {

    private static Properties defaults() throws Exception {
        Properties p = new Properties();
        try (InputStream in = ConfigDefaultsTest.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            p.load(in);
        }
        return p;
    }

    @Test
    void demoTokensAreOffUnlessSwitchedOn() throws Exception {
        assertThat(defaults().getProperty("ketang.dev.tokens.enabled")).isEqualTo("false");
    }

    @Test
    void producersWaitForAllInSyncReplicasAndAreIdempotent() throws Exception {
        Properties p = defaults();
        assertThat(p.getProperty("mp.messaging.connector.liberty-kafka.acks")).isEqualTo("all");
        assertThat(p.getProperty("mp.messaging.connector.liberty-kafka.enable.idempotence")).isEqualTo("true");
    }

    @Test
    void originsAreAnExplicitListWithoutWildcards() throws Exception {
        assertThat(defaults().getProperty("ketang.gateway.allowed-origins")).isNotBlank().doesNotContain("*");
    }
}
