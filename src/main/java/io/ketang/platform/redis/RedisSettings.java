package io.ketang.platform.redis;

import java.net.URI;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Where Redis is, from a URL of the form {@code redis[s]://[[user]:password@]host[:port][/database]}.
 */
record RedisSettings(HostAndPort address, JedisClientConfig clientConfig) {

    static RedisSettings parse(String url, int timeoutMillis) {
        URI uri = URI.create(url.trim());
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("ketang.redis.url must start with redis:// or rediss://");
        }
        var config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .ssl("rediss".equals(uri.getScheme()))
                .clientName("ketang");
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                config.password(userInfo);
            } else {
                if (colon > 0) {
                    config.user(userInfo.substring(0, colon));
                }
                config.password(userInfo.substring(colon + 1));
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        return new RedisSettings(new HostAndPort(uri.getHost(), port), config.build());
    }
}
