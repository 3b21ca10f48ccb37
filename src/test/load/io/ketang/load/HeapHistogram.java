package io.ketang.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's class histogram of live objects ({@code jcmd <pid> GC.class_histogram}, which collects
 * first), and what grew between two of them per connection: where a connection's heap goes.
 */
final class HeapHistogram {

    /** {@code    1:   123456   7890123  [B (java.base@17.0.15)} */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private HeapHistogram() {
    }

    /** Class name to {instances, bytes}. */
    static Map<String, long[]> read(long pid) throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        return parse(out);
    }

    static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return classes;
    }

    /** The {@code top} classes that grew most, as "bytes per connection, instances per connection, class", and the total. */
    static List<String> perConnection(Map<String, long[]> before, Map<String, long[]> after, int connections, int top) {
        int n = Math.max(1, connections);
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] was = before.getOrDefault(e.getKey(), new long[2]);
            long[] growth = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            total += growth[1];
            grown.add(Map.entry(e.getKey(), growth));
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
            lines.add(String.format("%8.2f KB %7.1f  %s", e.getValue()[1] / 1024.0 / n, e.getValue()[0] / (double) n, e.getKey()));
        }
        lines.add(String.format("%8.2f KB          in all", total / 1024.0 / n));
        return lines;
    }
}
