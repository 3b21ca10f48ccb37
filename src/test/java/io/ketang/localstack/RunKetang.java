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
 * <p>Arguments: the Liberty install directory ({@code target/liberty/wlp}) and the server name.
 */
public final class RunKetang {

    private RunKetang() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: RunKetang <wlp directory> <server name>");
            System.exit(2);
        }
        Path wlp = Path.of(args[0]).toAbsolutePath();
        String server = args[1];
        Path serverScript = wlp.resolve("bin/server");
        if (!Files.isExecutable(serverScript)) {
            throw new IllegalStateException("no Liberty runtime at " + wlp + "; run the README's run command");
        }
        Instant begin = Instant.now();
        say("Ketang: starting the local stack (data in target/localstack; first start takes longer)");
        LocalStack stack = LocalStack.start(Path.of("target", "localstack"), false, RunKetang::say);

        // a Liberty server left running by a crashed run holds the server lock: `server run` would hang
        stopLiberty(serverScript, server);

        DevServerConfig.install(wlp.resolve("usr/servers").resolve(server));
        say("starting Open Liberty server '" + server + "' …");
        ProcessBuilder liberty = new ProcessBuilder(serverScript.toString(), "run", server).inheritIO();
        liberty.environment().putAll(stack.ketangEnvironment());
        liberty.environment().putIfAbsent("KETANG_DEV_TOKENS_ENABLED", "true");
        Process process = liberty.start();

        Thread stopAll = new Thread(() -> {
            say("stopping Ketang …");
            ChildProcess.terminate(process.toHandle(), Duration.ofSeconds(40));
            say("stopping the local stack …");
            stack.close();
            say("stopped.");
        }, "ketang-stop");
        Runtime.getRuntime().addShutdownHook(stopAll);

        say("local stack ready in " + Duration.between(begin, Instant.now()).toSeconds()
                + " s; Ketang will serve http://localhost:9080/ (health: /health/ready). Ctrl-C stops everything.");
        int exit = process.waitFor();
        say("Liberty exited with code " + exit);
        System.exit(exit);
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
