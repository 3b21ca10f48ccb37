package io.ketang.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.ketang.testing.Browsers;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * The admin console (/console/) in headless Chromium, against the real stack: an operator runs a
 * room that the test filled over WebSocket (pages its members by role, kicks one, mutes the room,
 * reads both in the audit trail); a business's admin sees nothing of another business, in the
 * page and through REST; the overview's charts draw the traffic the test drives. It writes the
 * README's screenshots to docs/.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI app;

    @BeforeEach
    void ready() throws Exception {
        Browsers.assumeInstalled();
        app = base.toURI();
        KetangHttp.awaitReady(app);
    }

    @Test
    void anOperatorPagesKicksMutesAndReadsTheAuditTrail() throws Exception {
        KetangHttp.liveRoom(app, "con", "hall-1");
        List<KetangClient> students = new ArrayList<>();
        ChromeDriver browser = Browsers.open();
        try (KetangClient teacher = KetangClient.inRoom(app, KetangHttp.devToken(app, 1, "con", "teacher"), "pc", "hall-1")) {
            for (long uin = 101; uin <= 124; uin++) {
                students.add(KetangClient.inRoom(app, KetangHttp.devToken(app, uin, "con", "student"), uin % 2 == 0 ? "app" : "web", "hall-1"));
            }
            signIn(browser, "operator", "con");
            go(browser, "#/rooms/hall-1");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(browser, "[data-count='members'] .value").equals("25"));

            // the member list by role, 20 to a page: 101..120, then 121..124
            choose(browser, "filter-role", "student");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> uins(browser).equals(range(101, 120)));
            browser.findElement(By.id("members-next")).click();
            await().atMost(PATIENCE).ignoreExceptions().until(() -> uins(browser).equals(range(121, 124)));
            assertThat(browser.findElement(By.id("members-next")).isEnabled()).isFalse();
            browser.findElement(By.id("members-prev")).click();
            await().atMost(PATIENCE).ignoreExceptions().until(() -> uins(browser).equals(range(101, 120)));

            // kick 105 from the list: that student is told and removed
            browser.executeScript("window.confirm = () => true");
            browser.findElement(By.cssSelector("tr[data-uin='105'] button.kick")).click();
            KetangClient kicked = students.get(4);
            assertThat(kicked.next(f -> "kicked".equals(f.getString("type")), PATIENCE).getString("room")).isEqualTo("hall-1");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> !uins(browser).contains(105L));

            // mute the room: every student in it is told
            browser.findElement(By.id("mute")).click();
            for (KetangClient student : List.of(students.get(0), students.get(23))) {
                assertThat(student.next(f -> "muted".equals(f.getString("type")) && f.getBoolean("muted"), PATIENCE)).isNotNull();
            }
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(browser, "#mute-state").startsWith("muted"));

            // the audit trail shows both, done by the operator
            await().atMost(PATIENCE).ignoreExceptions().until(() ->
                    !browser.findElements(By.cssSelector("#audit-table tr[data-action='kick']")).isEmpty()
                            && !browser.findElements(By.cssSelector("#audit-table tr[data-action='mute']")).isEmpty());
            assertThat(text(browser, "#audit-table tr[data-action='kick']")).contains("operator 9001").contains("105");
            Browsers.screenshot(browser, "console-room.png");
        } finally {
            students.forEach(KetangClient::close);
            browser.quit();
        }
    }

    @Test
    void aBusinessAdminSeesNothingOfAnotherBusiness() throws Exception {
        KetangHttp.liveRoom(app, "con-b", "secret-1");
        String adminOfA = KetangHttp.devToken(app, 9100, "con-a", "admin");
        assertThat(status("/api/v1/rooms/secret-1", adminOfA, null)).isEqualTo(404);
        assertThat(status("/api/v1/rooms/secret-1/members", adminOfA, null)).isEqualTo(404);
        assertThat(status("/api/v1/rooms/secret-1/audit", adminOfA, null)).isEqualTo(404);
        assertThat(KetangHttp.postJson(app, "/api/v1/rooms/secret-1/members/7/kick", "", adminOfA).status()).isEqualTo(404);
        assertThat(status("/api/v1/rooms/secret-1", adminOfA, "con-b")).as("naming another business").isEqualTo(403);
        assertThat(status("/api/v1/cluster/nodes", adminOfA, null)).isEqualTo(403);
        assertThat(status("/api/v1/cluster/kafka", adminOfA, null)).isEqualTo(403);
        String operator = KetangHttp.devToken(app, 9001, "con-a", "operator");
        assertThat(status("/api/v1/rooms/secret-1", operator, "con-b")).as("an operator names the business").isEqualTo(200);
        assertThat(status("/api/v1/rooms/secret-1", operator, "no such bid!")).as("a business id that cannot be one").isEqualTo(400);

        // the console's own calls refuse bad input with 400, like the rest of the API
        KetangHttp.liveRoom(app, "con-a", "own-1");
        assertThat(KetangHttp.postJson(app, "/api/v1/rooms/own-1/members/abc/kick", "", adminOfA).status()).isEqualTo(400);
        assertThat(KetangHttp.postJson(app, "/api/v1/rooms/own-1/members/0/kick", "", adminOfA).status()).isEqualTo(400);
        assertThat(status("/api/v1/exits?limit=0", adminOfA, null)).isEqualTo(400);
        assertThat(status("/api/v1/rooms?prefix=a%25b", adminOfA, null)).isEqualTo(400);
        assertThat(status("/api/v1/rooms/own-1/members?group=", adminOfA, null)).isEqualTo(400);

        ChromeDriver browser = Browsers.open();
        try {
            signIn(browser, "admin", "con-a");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(By.id("room-search")).isDisplayed());
            assertThat(browser.findElement(By.cssSelector("#nav [data-view='overview']")).isDisplayed()).isFalse();
            assertThat(browser.findElement(By.cssSelector("#nav [data-view='kafka']")).isDisplayed()).isFalse();
            go(browser, "#/rooms/secret-1");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(browser, "#no-room").contains("secret-1"));
            go(browser, "#/overview");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(browser, "h1").equals("Operators only"));
        } finally {
            browser.quit();
        }
    }

    @Test
    void theOverviewChartsTheTrafficATestDrives() throws Exception {
        KetangHttp.liveRoom(app, "con", "hall-2");
        List<KetangClient> students = new ArrayList<>();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        ChromeDriver browser = Browsers.open();
        try (KetangClient teacher = KetangClient.inRoom(app, KetangHttp.devToken(app, 2, "con", "teacher"), "pc", "hall-2")) {
            for (long uin = 201; uin <= 210; uin++) {
                students.add(KetangClient.inRoom(app, KetangHttp.devToken(app, uin, "con", "student"), "web", "hall-2"));
            }
            AtomicLong id = new AtomicLong(100);
            traffic.scheduleAtFixedRate(() -> teacher.send("{\"type\":\"send\",\"id\":" + id.incrementAndGet()
                    + ",\"room\":\"hall-2\",\"kind\":\"signal\",\"body\":{\"page\":1}}"), 0, 100, TimeUnit.MILLISECONDS);

            signIn(browser, "operator", "con");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                WebElement chart = browser.findElement(By.id("chart-deliveries"));
                return Integer.parseInt(chart.getAttribute("data-samples")) >= 5 && Double.parseDouble(chart.getAttribute("data-max")) > 0;
            });
            assertThat(Double.parseDouble(browser.findElement(By.id("chart-connections")).getAttribute("data-max"))).isGreaterThanOrEqualTo(11);
            assertThat(text(browser, "#nodes")).contains("redis").contains("kafka");
            Browsers.screenshot(browser, "console-overview.png");
        } finally {
            traffic.shutdownNow();
            students.forEach(KetangClient::close);
            browser.quit();
        }
    }

    private void signIn(ChromeDriver browser, String role, String bid) {
        browser.get(app.resolve("/console/").toString());
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(By.id("dev-signin")).isDisplayed());
        choose(browser, "dev-role", role);
        WebElement business = browser.findElement(By.id("dev-bid"));
        business.clear();
        business.sendKeys(bid);
        browser.findElement(By.id("dev-signin")).click();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(By.id("nav")).isDisplayed());
    }

    private static void go(ChromeDriver browser, String hash) {
        browser.executeScript("location.hash = arguments[0]", hash);
    }

    /** Picks a value in a select and tells the page, as a user's choice would. */
    private static void choose(ChromeDriver browser, String id, String value) {
        browser.executeScript("const s = document.getElementById(arguments[0]); s.value = arguments[1];"
                + " s.dispatchEvent(new Event('change'));", id, value);
    }

    private static String text(ChromeDriver browser, String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }

    @SuppressWarnings("unchecked")
    private static List<Long> uins(ChromeDriver browser) {
        return ((List<Object>) browser.executeScript(
                "return [...document.querySelectorAll('#members tr[data-uin]')].map(r => Number(r.dataset.uin))"))
                .stream().map(o -> ((Number) o).longValue()).toList();
    }

    private static List<Long> range(long first, long last) {
        return java.util.stream.LongStream.rangeClosed(first, last).boxed().toList();
    }

    private int status(String path, String bearer, String business) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.resolve(path)).header("Authorization", "Bearer " + bearer);
        if (business != null) {
            request.header("Ketang-Bid", business);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
