package io.ketang.classroom;

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
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.ketang.testing.Browsers;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * The demo classroom (/classroom/) in three headless Chromium sessions: a teacher and two
 * students run a sign-in, a quiz and a red packet, and the teacher's page shows the right
 * figures; a student whose connection drops comes back, says so, and has what was said meanwhile.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClassroomDemoIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void aTeacherAndTwoStudentsRunASigninAQuizAndARedPacket() throws Exception {
        Browsers.assumeInstalled();
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        String page = app.resolve("/classroom/?bid=demo-it&room=class-1&go=1").toString();
        ChromeDriver teacher = Browsers.open();
        ChromeDriver first = null;
        ChromeDriver second = null;
        try {
            // the teacher's page creates and opens the room
            teacher.get(page + "&role=teacher&uin=1");
            await().atMost(PATIENCE).ignoreExceptions().until(() -> teacher.findElement(By.id("signin-start")).isDisplayed());
            first = Browsers.open();
            second = Browsers.open();
            first.get(page + "&role=student&uin=11");
            second.get(page + "&role=student&uin=12");
            List<ChromeDriver> students = List.of(first, second);
            for (ChromeDriver student : students) {
                await().atMost(PATIENCE).ignoreExceptions().until(() -> student.findElement(By.id("hand")).isDisplayed());
            }
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(teacher, "presence").equals("3 in class"));

            // sign-in: both sign, the teacher ends it
            teacher.findElement(By.id("signin-start")).click();
            for (ChromeDriver student : students) {
                click(student, By.id("signin"));
                await().atMost(PATIENCE).ignoreExceptions().until(() -> text(student, "signin").equals("Signed in"));
            }
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(teacher, "signin-live").equals("open: 2 of 2 signed"));
            teacher.findElement(By.id("signin-end")).click();
            await().atMost(PATIENCE).ignoreExceptions().until(() ->
                    text(teacher, "signin-result").equals("Last sign-in: 2 signed, 0 late, 0 absent of 2"));

            // quiz A-D, B correct: one answers B, the other C
            teacher.findElement(By.id("quiz-start")).click();
            click(first, By.cssSelector("button.choice[data-choice='B']"));
            click(second, By.cssSelector("button.choice[data-choice='C']"));
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(teacher, "quiz-live").startsWith("2 answered"));
            teacher.findElement(By.id("quiz-end")).click();
            await().atMost(PATIENCE).ignoreExceptions().until(() ->
                    text(teacher, "quiz-result").equals("Last quiz: 2 answered (A 0, B 1, C 1, D 0); correct B: 1 right"));

            // a red packet of 2 shares, 10.00 in all: each student grabs one, the shares add up
            WebElement shares = teacher.findElement(By.id("rp-count"));
            shares.clear();
            shares.sendKeys("2");
            teacher.findElement(By.id("rp-send")).click();
            long cents = 0;
            for (ChromeDriver student : students) {
                click(student, By.cssSelector("button.grab"));
                await().atMost(PATIENCE).ignoreExceptions().until(() -> student.findElement(By.id("my-grabs")).isDisplayed());
                cents += Long.parseLong(student.findElement(By.id("my-grabs")).getAttribute("data-cents"));
            }
            assertThat(cents).isEqualTo(1000);
            await().atMost(PATIENCE).ignoreExceptions().until(() ->
                    text(teacher, "rp-result").equals("Last packet: 2 grabbed, 10.00 claimed, 0 shares (0.00) unclaimed"));
            Browsers.screenshot(teacher, "classroom-teacher.png");

            // the network drops under a student; the teacher speaks meanwhile; the page comes back with it
            ChromeDriver dropped = second;
            dropped.executeScript("window.ketangClassroom.client.socket.close(3000, 'network lost')");
            teacher.findElement(By.id("chat-text")).sendKeys("page 12, everyone");
            teacher.findElement(By.id("chat-send")).click();
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(dropped, "recovery").startsWith("Reconnected 1 time(s)"));
            await().atMost(PATIENCE).ignoreExceptions().until(() -> text(dropped, "chat-log").contains("teacher 1: page 12, everyone"));
        } finally {
            for (ChromeDriver browser : new ChromeDriver[] {teacher, first, second}) {
                if (browser != null) {
                    browser.quit();
                }
            }
        }
    }

    /** Clicks once the element is there (the page draws it when the frame that opens it arrives). */
    private static void click(ChromeDriver browser, By what) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(what).click();
            return true;
        });
    }

    private static String text(ChromeDriver browser, String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }
}
