package io.rtvoice.relay;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium, driven by the chromedriver of the same package (Debian {@code chromium} and
 * {@code chromium-driver}; nothing is downloaded), with a fake microphone that plays a WAV file once and its
 * console collected. Skips where Chromium is not installed, unless {@code RTVOICE_REQUIRE_BROWSER=1} (CI) says
 * it must be there.
 */
final class Chromium implements AutoCloseable {

    static final boolean REQUIRED = "1".equals(System.getenv("RTVOICE_REQUIRE_BROWSER"));

    private final ChromeDriver driver;
    final List<String> console = new CopyOnWriteArrayList<>();

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A browser whose microphone plays {@code microphone} once, then silence. */
    static Chromium withMicrophone(Path microphone) {
        Optional<Path> browser = onPath("chromium");
        Optional<Path> chromedriver = onPath("chromedriver");
        if (browser.isEmpty() || chromedriver.isEmpty()) {
            String missing = "chromium and chromedriver (Debian: chromium, chromium-driver)";
            if (REQUIRED) {
                Assertions.fail(missing + " are missing, and RTVOICE_REQUIRE_BROWSER=1 says they must be here");
            }
            Assumptions.abort(missing + " are missing: skipped (installed by .ci/run in CI)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + microphone.toAbsolutePath() + "%noloop",
                "--autoplay-policy=no-user-gesture-required", "--window-size=900,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();
        return new Chromium(new ChromeDriver(service, options));
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    ChromeDriver driver() {
        return driver;
    }

    /** The value of a JavaScript expression on the page. */
    Object eval(String expression) {
        return ((JavascriptExecutor) driver).executeScript("return " + expression + ";");
    }

    long number(String expression) {
        Object value = eval(expression);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** Waits until {@code expression} is true on the page (polling it, as a user would look). */
    void await(String expression, Duration timeout) {
        new WebDriverWait(driver, timeout, Duration.ofMillis(50)).withMessage(() -> expression + "; page: " + eval("JSON.stringify(window.stats)"))
                .until(d -> Boolean.TRUE.equals(eval("!!(" + expression + ")")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
