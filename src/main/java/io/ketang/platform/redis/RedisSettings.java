package io.ketang.platform.redis;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Where Redis is, from a URL: {@code redis[s]://[[user]:password@]host[:port][/database]} for one
 * Redis, or {@code redis[s]-cluster://[[user]:password@]host:port[,host:port…]} for a Redis
 * Cluster, named by any of its nodes (the client learns the rest from them).
 *
 * @param nodes   the one Redis, or the cluster's seed nodes
 * @param cluster whether it is a Redis Cluster
 */
record RedisSettings(Set<HostAndPort> nodes, boolean cluster, JedisClientConfig clientConfig) {

    /** The one Redis (or the first seed node). */
    HostAndPort address() {
        return nodes.iterator().next();
    }

    static RedisSettings parse(String url, int timeoutMillis) {
        String trimmed = url.trim();
        int schemeEnd = trimmed.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : trimmed.substring(0, schemeEnd);
        boolean cluster = scheme.endsWith("-cluster");
        String base = cluster ? scheme.substring(0, scheme.length() - "-cluster".length()) : scheme;
        if (!"redis".equals(base) && !"rediss".equals(base)) {
            throw new IllegalArgumentException(
                    "ketang.redis.url must start with redis://, rediss://, redis-cluster:// or rediss-cluster://");
        }
        var config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .ssl("rediss".equals(base))
                .clientName("ketang");
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        String userInfo;
        if (cluster) {
            String rest = trimmed.substring(schemeEnd + 3);
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                if (slash < rest.length() - 1) {
                    throw new IllegalArgumentException("a Redis Cluster has only database 0: no /database in ketang.redis.url");
                }
                rest = rest.substring(0, slash);
            }
            int at = rest.lastIndexOf('@');
            userInfo = at < 0 ? null : rest.substring(0, at);
            for (String node : rest.substring(at + 1).split(",")) {
                URI one = URI.create(base + "://" + node.trim());
                if (one.getHost() == null) {
                    throw new IllegalArgumentException("not a host:port in ketang.redis.url: " + node);
                }
                nodes.add(new HostAndPort(one.getHost(), one.getPort() > 0 ? one.getPort() : 6379));
            }
        } else {
            URI uri = URI.create(trimmed);
            userInfo = uri.getUserInfo();
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                config.database(Integer.parseInt(path.substring(1)));
            }
            nodes.add(new HostAndPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379));
        }
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
        return new RedisSettings(Set.copyOf(nodes), cluster, config.build());
    }
}
