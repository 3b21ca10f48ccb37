package io.ketang.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

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

    private static Document serverXml() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("src/main/liberty/config/server.xml").toFile());
    }

    @Test
    void aProductionServerHasNoTokenBuilderAndNoJwkEndpoint() throws Exception {
        // a jwtBuilder would mint tokens with the server's key and publish its JWK at /jwt/ibm/api/<id>/jwk
        assertThat(serverXml().getElementsByTagName("jwtBuilder").getLength()).isZero();
    }

    @Test
    void metricsNeedALoginInProduction() throws Exception {
        var metrics = serverXml().getElementsByTagName("mpMetrics");
        assertThat(metrics.getLength()).isEqualTo(1);
        assertThat(((Element) metrics.item(0)).getAttribute("authentication")).isNotEqualTo("false");
    }
}
