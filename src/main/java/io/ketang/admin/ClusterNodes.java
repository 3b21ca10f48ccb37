package io.ketang.admin;

import static io.ketang.shared.Jsonp.JSON;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import io.ketang.platform.Node;

/**
 * Every node's figures in one place, for the console's overview: each node writes its own every
 * {@code ketang.console.node-report-ms} (2 s) to Redis ({@code ketang:node-report:<id>}, living three
 * reports, and the set {@code ketang:node-reports}); the list is whatever is there, so a node that died
 * drops out within three reports. The figures are running totals (the console turns them into
 * rates) and the node's state: sockets, rooms, readiness of each dependency, heap and threads.
 */
@ApplicationScoped
public class ClusterNodes {

    private static final Logger LOG = Logger.getLogger(ClusterNodes.class.getName());
    private static final String NODES = "ketang:node-reports";

    /** The running totals a report carries: its field, and the metric summed over its tags. */
    private static final Map<String, String> TOTALS = Map.of(
            "connections", "ketang_gateway_connections",
            "joins", "ketang_gateway_joins",
            "deliveries", "ketang_gateway_deliveries",
            "batches", "ketang_push_batches",
            "sampledOut", "ketang_push_sampled_out",
            "autoMutes", "ketang_flow_auto_mutes",
            "muteChanges", "ketang_flow_mute_changes");

    @Inject
    UnifiedJedis redis;

    @Inject
    Node node;

    @Inject
    MetricRegistry metrics;

    @Inject
    @Readiness
    Instance<HealthCheck> readiness;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ketang.console.node-report-ms", defaultValue = "2000")
    long reportMs;

    private final long startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
    private Future<?> reporting;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        reporting = scheduler.scheduleWithFixedDelay(this::report, 0, reportMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (reporting != null) {
            reporting.cancel(false);
        }
        try {
            redis.del(key(node.id()));
            redis.srem(NODES, node.id());
        } catch (RuntimeException redisAway) {
            LOG.log(Level.FINE, "Node report not withdrawn: {0}", redisAway.toString());
        }
    }

    /** Every live node's latest report, by node id. */
    public List<JsonObject> nodes() {
        List<JsonObject> reports = new ArrayList<>();
        for (String id : redis.smembers(NODES).stream().sorted().toList()) {
            String report = redis.get(key(id));
            if (report == null) {
                redis.srem(NODES, id); // its reports stopped: gone
                continue;
            }
            try (var reader = JSON.createReader(new java.io.StringReader(report))) {
                reports.add(reader.readObject());
            }
        }
        return reports;
    }

    void report() {
        try {
            String report = figures().toString();
            redis.set(key(node.id()), report, SetParams.setParams().px(reportMs * 3));
            redis.sadd(NODES, node.id());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Node report not written: {0}", e.toString());
        }
    }

    /** This node's figures now. */
    JsonObject figures() {
        JsonObjectBuilder checks = JSON.createObjectBuilder();
        boolean ready = true;
        for (HealthCheck check : readiness) {
            HealthCheckResponse answer;
            try {
                answer = check.call();
            } catch (RuntimeException e) {
                answer = HealthCheckResponse.down(check.getClass().getSimpleName());
            }
            boolean up = answer.getStatus() == HealthCheckResponse.Status.UP;
            ready &= up;
            checks.add(answer.getName(), up);
        }
        JsonObjectBuilder totals = JSON.createObjectBuilder();
        TOTALS.forEach((field, metric) -> totals.add(field, sum(metric, tags -> true)));
        totals.add("refused", sum("ketang_flow_admissions", tags -> !"admitted".equals(tags.get("verdict"))));
        for (String reason : new String[] {"closed", "timeout", "kicked"}) {
            totals.add("exits." + reason, sum("ketang_heartbeat_exits", tags -> reason.equals(tags.get("reason"))));
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return JSON.createObjectBuilder()
                .add("node", node.id())
                .add("startedAt", startedAt)
                .add("at", System.currentTimeMillis())
                .add("ready", ready)
                .add("checks", checks)
                .add("sockets", gauge("ketang_gateway_sockets"))
                .add("rooms", gauge("ketang_gateway_rooms"))
                .add("heapUsedBytes", heap.getUsed())
                .add("heapMaxBytes", heap.getMax())
                .add("threads", ManagementFactory.getThreadMXBean().getThreadCount())
                .add("totals", totals)
                .build();
    }

    /** The metric's count summed over those of its tag sets that {@code tags} accepts. */
    private long sum(String name, java.util.function.Predicate<Map<String, String>> tags) {
        long total = 0;
        for (Map.Entry<MetricID, Counter> counter : metrics.getCounters((id, m) -> id.getName().equals(name)).entrySet()) {
            if (tags.test(counter.getKey().getTags())) {
                total += counter.getValue().getCount();
            }
        }
        return total;
    }

    private long gauge(String name) {
        Map<MetricID, Gauge> gauges = metrics.getGauges((id, m) -> id.getName().equals(name));
        return gauges.values().stream().mapToLong(g -> ((Number) g.getValue()).longValue()).sum();
    }

    private static String key(String id) {
        return "ketang:node-report:" + id;
    }
}
