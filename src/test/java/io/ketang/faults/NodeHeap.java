package io.ketang.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The heap a test node's JVM uses after a full collection, read with {@code jcmd}. */
final class NodeHeap {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private NodeHeap() {
    }

    /** The JVM Arquillian started for the first test server: Liberty's launcher with the server's name. */
    static long pidOfFirstNode() throws IOException {
        String name = System.getProperty("ketang.it.server", "ketangIT");
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("ws-server.jar"))
                .filter(p -> java.util.Arrays.asList(p.info().arguments().orElse(new String[0])).contains(name))
                .findFirst().orElseThrow(() -> new IOException("no Liberty process for server " + name)).pid();
    }

    static long usedAfterGcKb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IOException("no heap figure from jcmd " + pid);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
