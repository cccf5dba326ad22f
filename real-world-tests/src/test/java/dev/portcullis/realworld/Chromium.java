package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, driven through Debian's chromium-driver by Selenium: headless, a fresh profile,
 * no background traffic. Selenium is given both paths, so it never tries to download a browser or a
 * driver. Screenshots go to {@code target/screenshots/<name>/NN-step.png}.
 */
final class Chromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;
    private int step;

    private Chromium(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /**
     * Starts a browser that accepts the TLS proxy's self-signed certificate (the HTTPS checks of the
     * certificate itself are {@link HttpsClient}'s).
     */
    static Chromium start(String name) {
        for (Path required : new Path[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(required)) {
                throw new IllegalStateException(required + " is missing: apt-get install chromium chromium-driver"
                        + " (scripts/real-world-tests.sh does)");
            }
        }
        try {
            Path profile = Files.createTempDirectory("portcullis-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BROWSER.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1200,900", "--user-data-dir=" + profile);
            options.setAcceptInsecureCerts(true);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            Path screenshots = RealWorld.screenshots().resolve(name);
            Files.createDirectories(screenshots);
            return new Chromium(driver, profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Saves what the browser shows now as the next numbered step. */
    Path screenshot(String label) {
        step++;
        Path file = screenshots.resolve(String.format("%02d-%s.png", step, label));
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException | RuntimeException e) {
            System.out.println("could not save screenshot " + file + ": " + e);
        }
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.out.println("could not remove " + profile + ": " + e);
            }
        }
    }
}
