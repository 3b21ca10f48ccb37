package io.ketang.platform.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.ketang.platform.kafka.KafkaAdmin;
import io.ketang.platform.kafka.TopicStartup;

/** Ready when the Kafka cluster answers within two seconds and Ketang's topics exist. */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    @Inject
    KafkaAdmin admin;

    @Inject
    TopicStartup topics;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kafka");
        try {
            int brokers = admin.brokers(2000).orElse(0);
            response.withData("brokers", brokers);
            if (!topics.done()) {
                return response.down().withData("reason", "topics not created yet").build();
            }
            return response.status(brokers > 0).build();
        } catch (Exception e) {
            return response.down().withData("reason", Reasons.of(e)).build();
        }
    }
}
