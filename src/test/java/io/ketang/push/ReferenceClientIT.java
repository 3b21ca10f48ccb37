package io.ketang.push;

import static io.ketang.testing.Important.range;
import static io.ketang.testing.Important.signals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import io.ketang.testing.Browsers;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * The reference JavaScript client served at {@code /js/ketang-client.js}, in a real headless
 * Chromium: it receives important messages in order, and after its connection drops it
 * reconnects by itself, resumes the room with {@code since} and ends with every seq once; sending
 * faster than its chat budget, it waits out each RATE_LIMITED and is never cut off.
 * Needs Debian's chromium and chromium-driver ({@code .ci/run} installs them).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReferenceClientIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void theBrowserClientGetsEverySeqOnceInOrderThroughADroppedConnection() throws Exception {
        Browsers.assumeInstalled();
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        KetangHttp.liveRoom(app, "web", "js-1");

        ChromeDriver browser = Browsers.open();
        try (KetangClient teacher = KetangClient.connect(app)) {
            teacher.hello(KetangHttp.devToken(app, 1, "web", "teacher"), "pc");
            assertThat(teacher.join("js-1", 1).getString("type")).isEqualTo("joined");

            browser.get(app.resolve("/").toString());
            JavascriptExecutor js = browser;
            startStudent(js, 77, "js-1", "live", "ackEveryMs: 500");
            await().atMost(Duration.ofSeconds(20)).until(() -> events(js).contains("joined:false"));

            assertThat(signals(teacher, "js-1", 1, 20)).isEqualTo(range(1, 20));
            await().atMost(Duration.ofSeconds(20)).until(() -> got(js).size() >= 20);

            // the network drops; 30 more go out while the client is away
            js.executeScript("window.kc.socket.close(3000, 'network lost')");
            await().atMost(Duration.ofSeconds(10)).until(() -> count(js, "close:3000:") == 1);
            assertThat(signals(teacher, "js-1", 21, 30)).isEqualTo(range(21, 50));

            // it comes back by itself, resumes with since and holds 1..50 exactly once, in order
            await().atMost(Duration.ofSeconds(30)).until(() -> events(js).contains("joined:true"));
            await().atMost(Duration.ofSeconds(20)).until(() -> got(js).size() >= 50);
            assertThat(got(js)).isEqualTo(range(1, 50));

            // 25 chats at once against a budget of 10 a second: the client waits out each RATE_LIMITED
            js.executeScript("""
                    window.chats = { sent: 0, failed: [] };
                    for (let i = 0; i < 25; i++) {
                      window.kc.send('js-1', 'chat', { text: 'hi ' + i })
                        .then(() => window.chats.sent++, e => window.chats.failed.push(e.code));
                    }
                    """);
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) js.executeScript(
                    "return window.chats.sent + window.chats.failed.length")).intValue() == 25);
            assertThat(js.executeScript("return window.chats.failed")).asList().isEmpty();
            assertThat(count(js, "close:3000:")).as("closed once, by the test").isEqualTo(1);
            assertThat(count(js, "close:4429:")).as("never cut off").isZero();
        } finally {
            browser.quit();
        }
    }

    @Test
    void theBrowserClientMovesToTheNextNodeWhenOneIsDeadOrSilent() throws Exception {
        Browsers.assumeInstalled();
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        KetangHttp.liveRoom(app, "web", "js-2");

        ChromeDriver browser = Browsers.open();
        try (KetangClient teacher = KetangClient.connect(app)) {
            teacher.hello(KetangHttp.devToken(app, 1, "web", "teacher"), "pc");
            assertThat(teacher.join("js-2", 1).getString("type")).isEqualTo("joined");

            browser.get(app.resolve("/").toString());
            JavascriptExecutor js = browser;
            // the first node in its list is dead (nothing listens there); the live one answers a
            // heartbeat every 2 s (and acks are rare here), so a liveness of 1.5 s takes the quiet
            // between two answers for a dead path
            startStudent(js, 78, "js-2", "['ws://127.0.0.1:9/ws', live]", "livenessMs: 1500, ackEveryMs: 60000");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(js, "joined:") > 0);
            assertThat(events(js).get(0)).as("the dead node was tried first").asString().startsWith("close:1006:");

            // silent past its liveness: it gives the connection up, goes round the list, and resumes
            await().atMost(Duration.ofSeconds(30)).until(() -> events(js).stream().anyMatch(e -> e.toString().contains("silent for 1500 ms")));
            assertThat(signals(teacher, "js-2", 1, 10)).isEqualTo(range(1, 10));
            await().atMost(Duration.ofSeconds(30)).until(() -> got(js).size() >= 10);
            assertThat(got(js)).isEqualTo(range(1, 10));
            js.executeScript("window.kc.close()");
        } finally {
            browser.quit();
        }
    }

    /**
     * Starts the reference client in the page as a student who joins {@code room} once; {@code urls}
     * is its {@code url} option ({@code live} names this server's endpoint), {@code options} more of
     * them. The page keeps the seqs it is given in {@code window.got} and what happened in
     * {@code window.events} ({@code joined:<recovered>}, {@code close:<code>:<reason>}).
     */
    private static void startStudent(JavascriptExecutor js, long uin, String room, String urls, String options) {
        js.executeScript("""
                window.got = []; window.events = [];
                const token = async () => (await (await fetch('/api/dev/tokens', { method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ uin: %d, bid: 'web', role: 'student' }) })).json()).token;
                const live = location.origin.replace(/^http/, 'ws') + '/ws';
                const c = new KetangClient({ url: %s, token, %s });
                c.addEventListener('message', e => window.got.push(e.detail.seq));
                c.addEventListener('joined', e => window.events.push('joined:' + (e.detail.recovered === true)));
                c.addEventListener('close', e => window.events.push('close:' + e.detail.code + ':' + e.detail.reason));
                c.addEventListener('welcome', () => { if (!window.joinedOnce) { window.joinedOnce = true; c.join('%s'); } });
                c.connect();
                window.kc = c;
                """.formatted(uin, urls, options, room));
    }

    private static long count(JavascriptExecutor js, String prefix) {
        return events(js).stream().filter(e -> e.toString().startsWith(prefix)).count();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> events(JavascriptExecutor js) {
        return (List<Object>) js.executeScript("return window.events.slice()");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> got(JavascriptExecutor js) {
        return ((List<Object>) js.executeScript("return window.got.slice()")).stream().map(o -> ((Number) o).longValue()).toList();
    }
}
