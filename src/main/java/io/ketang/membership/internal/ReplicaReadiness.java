package io.ketang.membership.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.ketang.membership.api.Memberships;

/** Ready once this node's replica of the member lists has caught up with the members topic. */
@Readiness
@ApplicationScoped
public class ReplicaReadiness implements HealthCheck {

    @Inject
    Memberships memberships;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("members").withData("replica", memberships.replicaProgress());
        if (!memberships.ready()) {
            return response.down().withData("reason", "member lists still replaying").build();
        }
        return response.up().build();
    }
}
