package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.portcullis.devidp.DevIdp;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * The cluster add-on as an operator installs it (docs/INSTALL.md step 4, cluster variant, done by
 * scripts/tomcat-dist.sh): stock Tomcat 11 with the valve JAR and the cluster JAR in {@code lib/}, the
 * shipped conf/ehcache-cluster.xml pointing at a Terracotta server, started with {@code catalina.sh}.
 * ClusterIT shows two nodes sharing the state; this shows that the two JARs work from Tomcat's own
 * class loader, that Tomcat scans neither JAR when the webapps start, and that the state really lives on
 * the server: a session outlives a restart of
 * Tomcat, which a node's own heap caches cannot do. And what an operator of a stock Tomcat sees of an
 * outage, with the shipped conf/log4j2.xml: 503s, a few lines, no stack trace in catalina.out, service
 * again once the server is back; and a Tomcat started before its server starts anyway, says so in one
 * line naming the address, and serves once the server is there, without a restart.
 */
@Order(32)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StockTomcatClusterIT {

    private TerracottaServer terracotta;
    private StockTomcat tomcat;
    private DevIdp idp;
    private final Browser browser = new Browser();

    /** The Tomcat version to download and run (StockTomcat9ClusterIT: the same on Tomcat 9, the same cluster JAR). */
    String version() {
        return "11.0.24";
    }

    @BeforeAll
    void start() {
        terracotta = TerracottaServer.start();
        int port = RealWorld.freePort();
        tomcat = StockTomcat.install(version(), port, Map.of(
                "PORTCULLIS_TOMCAT_BASE", RealWorld.root().resolve(".cache/run/tomcat-" + version() + "-cluster").toString(),
                "PORTCULLIS_CLUSTER_SERVER", "127.0.0.1:" + terracotta.port(),
                "PORTCULLIS_CLUSTER_JAR", RealWorld.clusterJar().toString()));
        tomcat.logJarScans();
        idp = tomcat.startDevIdp();
        tomcat.start(idp.metadataUrl(), null, false);
    }

    @AfterAll
    void stop() {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            try {
                if (idp != null) {
                    idp.close();
                }
            } finally {
                if (terracotta != null) {
                    terracotta.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void bothJarsSitInLibAndTheValveUsesTheServer() throws Exception {
        Path lib = tomcat.base().resolve("lib");
        assertThat(lib.resolve(RealWorld.valveJarFor(version()).getFileName())).exists();
        assertThat(lib.resolve(RealWorld.clusterJar().getFileName())).exists();
        assertThat(Files.readString(tomcat.base().resolve("conf/portcullis-ehcache.xml")))
                .contains("terracotta://127.0.0.1:" + terracotta.port() + "/portcullis");

        String page = SignIn.signIn(browser, tomcat.directUrl("/sample/"), idp.baseUrl(), tomcat.acsUrl(), ALICE, ALICE)
                .body();

        assertThat(page).contains("Signed in as <strong>alice</strong>");
    }

    /** Neither JAR is opened for TLDs or web fragments when the webapps start (see StockTomcatDropInTests). */
    @Test
    @Order(2)
    void tomcatScansNeitherPortcullisJar() {
        assertThat(tomcat.jarsScannedFromClassPath()).as("class path JARs Tomcat scanned")
                .containsExactly(StockTomcat.SCAN_PROBE);
    }

    @Test
    @Order(3)
    void theSessionOutlivesARestartOfTomcat() {
        assertThat(SignIn.isSignedIn(browser, tomcat.directUrl("/sample/"), idp.baseUrl(), ALICE))
                .as("signed in before the restart").isTrue();

        tomcat.close();
        tomcat.start(idp.metadataUrl(), null, false);

        assertThat(SignIn.isSignedIn(browser, tomcat.directUrl("/sample/"), idp.baseUrl(), ALICE))
                .as("the same cookie after the restart: the session came back from the Terracotta server").isTrue();
        assertThat(SignIn.isSignedIn(new Browser(), tomcat.directUrl("/sample/"), idp.baseUrl(), ALICE))
                .as("no cookie, no session").isFalse();
    }

    @Test
    @Order(3)
    void anOutageIs503AndAFewLinesWithoutStackTracesInCatalinaOutThenServiceResumes() {
        assertThat(SignIn.isSignedIn(browser, tomcat.directUrl("/sample/"), idp.baseUrl(), ALICE)).isTrue();
        int catalinaOutBefore = tomcat.log("catalina.out").length();

        terracotta.stop();
        for (int i = 0; i < 50; i++) {
            assertThat(browser.get(tomcat.directUrl("/sample/")).status()).as("request %d without the server", i)
                    .isEqualTo(503);
        }
        // Issue 14: the health check a load balancer polls says so, with the reason for this machine.
        Page down = new Browser().get(tomcat.directUrl("/sso/health"));
        assertThat(down.status()).as(down.body()).isEqualTo(503);
        assertThat(down.body()).startsWith("not ok\nreason: state_store_unavailable\n");
        terracotta.startAgain();
        Instant restarted = Instant.now();
        Browser again = new Browser();
        Page signedIn = signInWhenBack(again, restarted.plusSeconds(60));
        Page up = new Browser().get(tomcat.directUrl("/sso/health"));
        assertThat(up.status()).as("healthy again once the server answers:%n%s", up.body()).isEqualTo(200);
        assertThat(up.body()).startsWith("ok\nreason: ok\n");
        System.out.println("== stock Tomcat signed in again " + Duration.between(restarted, Instant.now()).toMillis()
                + " ms after the server's restart");

        assertThat(signedIn.body()).contains("Signed in as <strong>alice</strong>");
        String outage = tomcat.log("catalina.out").substring(catalinaOutBefore);
        assertThat(outage.lines()).as("catalina.out during the outage:%n%s", outage)
                .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by:"))
                .hasSizeLessThanOrEqualTo(6)
                .anyMatch(line -> line.contains("The state store does not answer"))
                .anyMatch(line -> line.contains("answers again after"));
    }

    @Test
    @Order(4)
    void aTomcatStartedBeforeItsServerAnswers503ThenServesWithoutARestart() {
        tomcat.close();
        terracotta.stop();
        int catalinaOutBefore = tomcat.log("catalina.out").length();

        tomcat.start(idp.metadataUrl(), null, false);
        Browser early = new Browser();
        Page refused = early.get(tomcat.directUrl("/sample/"));

        assertThat(refused.status()).as("a protected page before the server is there:%n%s", refused.body()).isEqualTo(503);
        String started = tomcat.log("catalina.out").substring(catalinaOutBefore);
        assertThat(started.lines()).as("catalina.out of this start:%n%s", started)
                .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by:"))
                .filteredOn(line -> line.contains("cannot reach its state store"))
                .singleElement().asString().contains("terracotta://127.0.0.1:" + terracotta.port() + "/portcullis")
                .contains("start the Terracotta server before the Tomcat nodes");

        terracotta.startAgain();
        Instant serverUp = Instant.now();
        Page signedIn = signInWhenBack(early, serverUp.plusSeconds(60));
        System.out.println("== a Tomcat started before its server signed in " + Duration.between(serverUp, Instant.now())
                .toMillis() + " ms after the server started");
        assertThat(signedIn.body()).contains("Signed in as <strong>alice</strong>");
    }

    /** Signs alice in once the node serves again, asking every 250 ms until the deadline. */
    private Page signInWhenBack(Browser browser, Instant deadline) {
        Page start = browser.get(tomcat.directUrl("/sample/"));
        while (start.status() == 503 && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            start = browser.get(tomcat.directUrl("/sample/"));
        }
        assertThat(start.status()).as("the sign-in starts:%n%s", start.body()).isEqualTo(302);
        return SignIn.signIn(browser, tomcat.directUrl("/sample/"), idp.baseUrl(), tomcat.acsUrl(), ALICE, ALICE);
    }
}
