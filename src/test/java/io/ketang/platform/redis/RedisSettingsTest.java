package io.ketang.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.HostAndPort;

class RedisSettingsTest {

    @Test
    void oneRedisWithCredentialsAndDatabase() {
        RedisSettings s = RedisSettings.parse("redis://app:secret@cache.internal:6380/2", 1000);
        assertThat(s.cluster()).isFalse();
        assertThat(s.address()).isEqualTo(new HostAndPort("cache.internal", 6380));
        assertThat(s.clientConfig().getUser()).isEqualTo("app");
        assertThat(s.clientConfig().getPassword()).isEqualTo("secret");
        assertThat(s.clientConfig().getDatabase()).isEqualTo(2);
        assertThat(s.clientConfig().isSsl()).isFalse();
    }

    @Test
    void aClusterIsNamedByItsSeedNodes() {
        RedisSettings s = RedisSettings.parse("rediss-cluster://:secret@10.0.0.1:7000, 10.0.0.2:7001,10.0.0.3", 1000);
        assertThat(s.cluster()).isTrue();
        assertThat(s.nodes()).containsExactlyInAnyOrder(new HostAndPort("10.0.0.1", 7000), new HostAndPort("10.0.0.2", 7001),
                new HostAndPort("10.0.0.3", 6379));
        assertThat(s.clientConfig().getPassword()).isEqualTo("secret");
        assertThat(s.clientConfig().getUser()).isNull();
        assertThat(s.clientConfig().isSsl()).isTrue();
    }

    @Test
    void whatIsNotARedisUrlIsRefusedWithWhatWouldBe() {
        assertThatThrownBy(() -> RedisSettings.parse("http://localhost:6379", 1000))
                .hasMessageContaining("redis-cluster://");
        assertThatThrownBy(() -> RedisSettings.parse("redis-cluster://h1:7000/3", 1000))
                .hasMessageContaining("database 0");
    }
}
