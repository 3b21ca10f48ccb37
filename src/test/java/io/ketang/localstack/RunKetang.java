package io.ketang.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run command's main: starts the local stack, then Ketang on Open Liberty in the foreground
 * ({@code server run}), and on Ctrl-C or exit stops Liberty first and the stack after it.
 *
 * <p>Arguments: the Liberty install directory ({@code target/liberty/wlp}), the server name and,
 * optionally, how many nodes ({@code -Dketang.nodes=3}: the extra ones are copies of the first
 * server, {@code NAME-2}, {@code NAME-3}…, on ports 9081, 9082… with the same WAR, stack and token
 * keys; their output goes to {@code target/NAME-N.log}).
 */
public final class RunKetang {

    private RunKetang() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: RunKetang <wlp directory> <server name> [nodes]");
            System.exit(2);
        }
        Path wlp = Path.of(args[0]).toAbsolutePath();
        String server = args[1];
        int nodes = args.length == 3 ? Integer.parseInt(args[2]) : 1;
        Path serverScript = wlp.resolve("bin/server");
        if (!Files.isExecutable(serverScript)) {
            throw new IllegalStateException("no Liberty runtime at " + wlp + "; run the README's run command");
        }
        Instant begin = Instant.now();
        say("Ketang: starting the local stack (data in target/localstack; first start takes longer)");
        LocalStack stack = LocalStack.start(Path.of("target", "localstack"), false, RunKetang::say);

        // a Liberty server left running by a crashed run holds the server lock: `server run` would hang
        stopLiberty(serverScript, server);
        for (int n = 2; n <= nodes; n++) {
            stopLiberty(serverScript, server + "-" + n);
        }

        DevServerConfig.install(wlp.resolve("usr/servers").resolve(server));
        say("starting Open Liberty server '" + server + "' …");
        ProcessBuilder liberty = new ProcessBuilder(serverScript.toString(), "run", server).inheritIO();
        liberty.environment().putAll(stack.ketangEnvironment());
        liberty.environment().putIfAbsent("KETANG_DEV_TOKENS_ENABLED", "true");
        Process process = liberty.start();

        List<Process> extra = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread stopAll = new Thread(() -> {
            say("stopping Ketang …");
            extra.forEach(p -> ChildProcess.terminate(p.toHandle(), Duration.ofSeconds(40)));
            ChildProcess.terminate(process.toHandle(), Duration.ofSeconds(40));
            say("stopping the local stack …");
            stack.close();
            say("stopped.");
        }, "ketang-stop");
        Runtime.getRuntime().addShutdownHook(stopAll);

        say("local stack ready in " + Duration.between(begin, Instant.now()).toSeconds()
                + " s; Ketang will serve http://localhost:9080/ (health: /health/ready). Ctrl-C stops everything.");
        if (nodes > 1) {
            // the first node makes the token keys on its first start; the others get a copy of them
            awaitReady(9080, process);
            for (int n = 2; n <= nodes; n++) {
                extra.add(startCopy(wlp, server, n, stack));
            }
        }
        int exit = process.waitFor();
        say("Liberty exited with code " + exit);
        System.exit(exit);
    }

    /** Node {@code n}: a copy of the first server's directory (its settings, WAR and keys), on port 9079 + n. */
    private static Process startCopy(Path wlp, String server, int n, LocalStack stack) throws IOException, InterruptedException {
        Path first = wlp.resolve("usr/servers").resolve(server);
        String name = server + "-" + n;
        Path copy = wlp.resolve("usr/servers").resolve(name);
        int port = 9079 + n;
        List<String> leftOut = List.of("logs", "workarea", "snapshots", "tranlog");
        try (var files = Files.walk(first)) {
            for (Path from : files.toList()) {
                Path relative = first.relativize(from);
                if (relative.getNameCount() > 0 && leftOut.contains(relative.getName(0).toString())) {
                    continue;
                }
                Path to = copy.resolve(relative.toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(copy.resolve("bootstrap.properties"),
                "default.http.port=" + port + "\ndefault.https.port=" + (9442 + n) + "\n");
        say("starting node " + n + " ('" + name + "') on http://localhost:" + port + "/ (output in target/" + name + ".log) …");
        ProcessBuilder liberty = new ProcessBuilder(wlp.resolve("bin/server").toString(), "run", name)
                .redirectErrorStream(true).redirectOutput(Path.of("target", name + ".log").toFile());
        liberty.environment().putAll(stack.ketangEnvironment());
        liberty.environment().putIfAbsent("KETANG_DEV_TOKENS_ENABLED", "true");
        liberty.environment().put("KETANG_GATEWAY_ALLOWED_ORIGINS", "http://localhost:" + port + ",http://127.0.0.1:" + port);
        Process process = liberty.start();
        awaitReady(port, process);
        say("node " + n + " ready on http://localhost:" + port + "/");
        return process;
    }

    /** Waits until the node on the port answers /health/ready with 200 (3 minutes at most). */
    private static void awaitReady(int port, Process node) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI ready = java.net.URI.create("http://localhost:" + port + "/health/ready");
        org.awaitility.Awaitility.await("node on port " + port + " ready").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!node.isAlive()) {
                        throw new IllegalStateException("the node on port " + port + " exited");
                    }
                    return http.send(java.net.http.HttpRequest.newBuilder(ready).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    private static void stopLiberty(Path serverScript, String server) throws IOException, InterruptedException {
        Process status = new ProcessBuilder(serverScript.toString(), "status", server)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (status.waitFor(60, TimeUnit.SECONDS) && status.exitValue() == 0) {
            say("a Liberty server '" + server + "' from an earlier run is still up; stopping it");
            Process stop = new ProcessBuilder(List.of(serverScript.toString(), "stop", server)).inheritIO().start();
            stop.waitFor(90, TimeUnit.SECONDS);
        }
    }

    static void say(String line) {
        System.out.println("[ketang] " + line);
        System.out.flush();
    }
}
