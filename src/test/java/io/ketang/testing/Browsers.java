package io.ketang.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the browser tests, from Debian's {@code chromium} and
 * {@code chromium-driver} ({@code .ci/run} installs them; without them the tests are skipped).
 */
public final class Browsers {

    private static final Path CHROMIUM = Path.of(System.getProperty("ketang.it.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("ketang.it.chromedriver", "/usr/bin/chromedriver"));

    private Browsers() {
    }

    /** Skips the calling test when this machine has no Chromium. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs chromium and chromedriver (apt-get install chromium chromium-driver)");
    }

    /** A new headless browser with a 1400×1000 window; quit it when done. */
    public static ChromeDriver open() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1400, 1000));
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return browser;
    }

    /**
     * Writes what the browser shows as a PNG to docs/screenshots (the tests run from the project's
     * directory), where the README shows it.
     */
    public static void screenshot(ChromeDriver browser, String name) throws java.io.IOException {
        Path file = Path.of("docs", "screenshots", name);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }
}
