package io.ketang.platform.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.ketang.platform.Node;

/**
 * Alive while the application answers at all. Dependencies are deliberately left out: a Redis or
 * Kafka outage must make the node unready (no new traffic), not get it restarted.
 */
@Liveness
@ApplicationScoped
public class NodeLiveness implements HealthCheck {

    @Inject
    Node node;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("node").up().withData("id", node.id()).build();
    }
}
