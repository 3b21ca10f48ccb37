package io.ketang.platform.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import redis.clients.jedis.UnifiedJedis;

/** Ready when Redis answers PING within the configured timeout. */
@Readiness
@ApplicationScoped
public class RedisReadiness implements HealthCheck {

    @Inject
    UnifiedJedis redis;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("redis");
        try {
            return response.status("PONG".equals(redis.ping())).build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", Reasons.of(e)).build();
        }
    }
}
