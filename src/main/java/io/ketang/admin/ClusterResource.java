package io.ketang.admin;

import static io.ketang.shared.Jsonp.JSON;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ketang.platform.kafka.KafkaAdmin;
import io.ketang.platform.kafka.TopicSpec;

/**
 * The cluster as a whole, for operators (role {@code operator}): its nodes and its Kafka topics
 * with their consumer lag. A business's admin or service token gets 403: these views mix every
 * business's traffic.
 */
@Path("/v1/cluster")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cluster", description = "Nodes, topics and consumer lag (operator tokens only)")
public class ClusterResource {

    private static final Logger LOG = Logger.getLogger(ClusterResource.class.getName());
    private static final long KAFKA_TIMEOUT_MS = 5_000;

    @Inject
    ServiceAuth auth;

    @Inject
    ClusterNodes nodes;

    @Inject
    KafkaAdmin kafka;

    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    @GET
    @Path("/nodes")
    @Operation(summary = "Every live node's latest report (every 2 s): readiness per dependency, sockets, rooms, heap, "
            + "threads, and running totals (connections, joins, exits by reason, deliveries, batches, sampled out, refusals, mutes)")
    @APIResponse(responseCode = "403", description = "not an operator token")
    public Map<String, List<JsonObject>> nodes() {
        auth.requireOperator(authorization);
        return ApiErrors.unlessAway(() -> Map.of("nodes", nodes.nodes()), "node reports cannot be read now, retry");
    }

    @GET
    @Path("/kafka")
    @Operation(summary = "The topic plan (T, PT, CT and the partitions ceil(T / min(PT, CT)) gives) beside each topic's "
            + "real partitions and replicas, and the lag of Ketang's consumer groups per partition")
    @APIResponse(responseCode = "403", description = "not an operator token")
    @APIResponse(responseCode = "503", description = "Kafka did not answer in time")
    public JsonObject kafka() {
        auth.requireOperator(authorization);
        try {
            Map<String, KafkaAdmin.TopicState> real = new java.util.HashMap<>();
            kafka.topicStates(KAFKA_TIMEOUT_MS).forEach(t -> real.put(t.name(), t));
            JsonArrayBuilder topics = JSON.createArrayBuilder();
            for (TopicSpec spec : kafka.topics()) {
                KafkaAdmin.TopicState state = real.get(spec.name());
                topics.add(JSON.createObjectBuilder()
                        .add("role", spec.role()).add("name", spec.name())
                        .add("target", spec.sizing().target())
                        .add("producerPerPartition", spec.sizing().producerPerPartition())
                        .add("consumerPerPartition", spec.sizing().consumerPerPartition())
                        .add("plannedPartitions", spec.partitions())
                        .add("partitions", state == null ? 0 : state.partitions())
                        .add("replicationFactor", spec.replicationFactor())
                        .add("replicas", state == null ? 0 : state.replication()));
            }
            JsonArrayBuilder lag = JSON.createArrayBuilder();
            for (KafkaAdmin.PartitionLag p : kafka.lag("ketang", KAFKA_TIMEOUT_MS)) {
                lag.add(JSON.createObjectBuilder().add("group", p.group()).add("active", p.active()).add("topic", p.topic()).add("partition", p.partition())
                        .add("endOffset", p.endOffset()).add("committed", p.committed()).add("lag", p.lag()));
            }
            return JSON.createObjectBuilder().add("topics", topics).add("lag", lag).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "interrupted, retry");
        } catch (Exception kafkaAway) {
            LOG.log(Level.WARNING, "Kafka view not read: {0}", kafkaAway.toString());
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "Kafka did not answer, retry");
        }
    }
}
