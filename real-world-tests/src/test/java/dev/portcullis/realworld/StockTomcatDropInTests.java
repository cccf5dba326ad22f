package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
 * The drop-in, as an operator does it: a stock Tomcat distribution from Maven Central with the valve
 * JAR in {@code lib/} and the {@code <Valve>} in {@code server.xml} (docs/INSTALL.md, done by
 * scripts/tomcat-dist.sh), started with {@code bin/catalina.sh}, serving the sample WAR at
 * {@code /sample} and the clash WAR at {@code /clash}. The clash WAR bundles other versions of the
 * libraries inside the valve JAR and uses them on each request.
 *
 * <p>The user signs in once, in {@link #signInOnce()}, through the development IdP (running in this
 * JVM, trusting the SP certificate INSTALL.md step 2 made) or the real IdP a subclass names; every test
 * then uses that one session. The last test stops Tomcat and reads its logs. One subclass per Tomcat
 * version; for Tomcat 9 the JAR and the WARs are the javax ones (StockTomcat chooses them by version). Tomcat logs the JARs it
 * scans when a webapp starts ({@link StockTomcat#logJarScans()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StockTomcatDropInTests {

    /** A Java stack trace line, or a SEVERE record of Tomcat's own log format. */
    private static final Pattern TROUBLE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|\\bSEVERE\\b|^Caused by:|Exception in thread");

    StockTomcat tomcat;
    private DevIdp devIdp;
    /** scheme://host:port of the IdP's pages, and where its AuthnRequests go. */
    String idpOrigin;
    private String idpSsoUrl;
    final Browser browser = new Browser();
    private String samplePage;

    /** The Tomcat version to download and run. */
    abstract String version();

    /** A real IdP to sign in with (in its default setup), or null for the development IdP. */
    Idp.Kind realIdp() {
        return null;
    }

    /** With a real IdP: the path of its SingleSignOnService, as its metadata publishes it. */
    String realIdpSsoPath() {
        throw new UnsupportedOperationException("no real IdP");
    }

    @BeforeAll
    void signInOnce() {
        int port = RealWorld.freePort();
        // The one optional setting on top of INSTALL.md: an IdP group that may see Tomcat's server status.
        tomcat = StockTomcat.install(version(), port, Map.of("PORTCULLIS_ROLE_MAPPING", "tomcat-operators=manager-status"));
        tomcat.logJarScans();
        String metadataUrl;
        if (realIdp() == null) {
            devIdp = tomcat.startDevIdp();
            metadataUrl = devIdp.metadataUrl();
            idpOrigin = devIdp.baseUrl();
            idpSsoUrl = devIdp.ssoUrl();
        } else {
            Idp idp = Idp.running(Idp.Settings.of(realIdp(), tomcat.directUrl(""), tomcat.spCertificateFile()));
            metadataUrl = idp.metadataUrl();
            idpOrigin = idp.origin();
            idpSsoUrl = idp.origin() + realIdpSsoPath();
        }
        tomcat.start(metadataUrl, null, false);

        samplePage = SignIn.signIn(browser, tomcat.directUrl("/sample/"), idpOrigin, tomcat.acsUrl(), ALICE, ALICE).body();
    }

    @AfterAll
    void stop() {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            if (devIdp != null) {
                devIdp.close();
            }
        }
    }

    @Test
    @Order(1)
    void theSampleWebappSeesTheUserAndTheRoles() {
        assertThat(samplePage).contains("Signed in as <strong>alice</strong>");
        assertThat(browser.get(tomcat.directUrl("/sample/api/whoami")).body())
                .isEqualTo("{\"user\":\"alice\",\"roles\":[\"user\",\"admin\"]}");
        assertThat(browser.get(tomcat.directUrl("/sample/admin/")).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void theClashWebappSeesTheSameUserWithoutSigningInAgain() {
        Page clash = browser.get(tomcat.directUrl("/clash/"));

        assertThat(clash.status()).as("no second trip to the IdP:%n%s", clash.body()).isEqualTo(200);
        Map<String, Object> report = ClashWebapp.report(clash.body());
        assertThat(report).containsEntry("user", "alice").containsEntry("roles", List.of("user", "admin"));
    }

    @Test
    @Order(3)
    void theClashWebappRunsItsOwnLibraryVersionsNotTheValves() {
        Map<String, Object> report = ClashWebapp.report(browser.get(tomcat.directUrl("/clash/")).body());

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> libraries = (Map<String, Map<String, Object>>) report.get("libraries");
        assertThat(libraries).containsOnlyKeys(ClashWebapp.BUNDLED.keySet());
        ClashWebapp.BUNDLED.forEach((artifact, version) -> {
            Map<String, Object> library = libraries.get(artifact);
            assertThat(library).as(artifact).containsEntry("version", version)
                    .containsEntry("jar", artifact + "-" + version + ".jar").containsEntry("fromThisWebapp", true);
            if (ClashWebapp.VALVE.containsKey(artifact)) {
                assertThat(version).as("%s differs from the valve's", artifact).isNotEqualTo(ClashWebapp.VALVE.get(artifact));
            }
        });
    }

    @Test
    @Order(4)
    void theClashWebappUsedEachLibraryOnTheRequest() {
        Map<String, Object> report = ClashWebapp.report(browser.get(tomcat.directUrl("/clash/")).body());

        assertThat(report).containsEntry("pac4jProfile", "org.pac4j.core.profile.CommonProfile#alice")
                .containsEntry("pac4jRoles", List.of("admin", "user"))
                .containsEntry("userSha256", sha256Hex("alice"))
                .containsEntry("userCapitalized", "Alice")
                .containsEntry("log4jConfiguration", "clash-webapp")
                .containsEntry("slf4jLoggerFactory", "org.apache.logging.slf4j.Log4jLoggerFactory");
    }

    @Test
    @Order(5)
    void eachSideLogsThroughItsOwnLog4j() {
        browser.get(tomcat.directUrl("/clash/"));

        assertThat(tomcat.log("clash-webapp.log"))
                .contains("clash-webapp request for user [alice] via the Log4j API")
                .contains("clash-webapp request for user [alice] via SLF4J");
        assertThat(tomcat.log("portcullis.log")).contains("Portcullis started").doesNotContain("clash-webapp");
        assertThat(tomcat.log("portcullis-audit.log")).doesNotContain("clash-webapp");
    }

    @Test
    @Order(6)
    void noLogHoldsTheSessionCookieValue() {
        String cookie = browser.cookie("localhost", "PORTCULLIS");

        assertThat(cookie).as("the session cookie").isNotBlank();
        for (String log : List.of("portcullis.log", "portcullis-audit.log", "catalina.out", "clash-webapp.log")) {
            assertThat(tomcat.log(log)).as(log).isNotEmpty().doesNotContain(cookie);
        }
    }

    @Test
    @Order(7)
    void theUserSignedInExactlyOnceForBothWebapps() {
        List<String> successes = tomcat.log("portcullis-audit.log").lines().filter(line -> line.contains("login_success")).toList();

        assertThat(successes).hasSize(1);
        assertThat(successes.get(0)).contains("alice");
    }

    @Test
    @Order(8)
    void aNewBrowserIsSentToTheIdpByBothWebapps() {
        Browser stranger = new Browser();

        for (String path : List.of("/sample/", "/clash/")) {
            Page page = stranger.get(tomcat.directUrl(path));
            assertThat(page.status()).as(path).isEqualTo(302);
            assertThat(page.location()).as(path).startsWith(idpSsoUrl + "?SAMLRequest=");
            assertThat(page.body()).as(path).doesNotContain("alice");
        }
    }

    @Test
    @Order(9)
    void theSpMetadataCarriesWhatTheIdpWasRegisteredWith() throws Exception {
        Page metadata = new Browser().get(tomcat.directUrl("/sso/metadata"));
        String certificate = java.util.Base64.getEncoder().encodeToString(tomcat.spCertificate().getEncoded());

        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.body()).contains("entityID=\"" + tomcat.directUrl("/sso/metadata") + "\"")
                .contains("Location=\"" + tomcat.directUrl("/sso/acs") + "\"")
                .contains(certificate);
    }

    /**
     * Issue 10: the stock webapps stay on the Host, so the Manager and Host Manager come under sign-in.
     * The start-up log names them, and an IdP group named like Tomcat's administrative roles opens
     * neither; only the group the operator mapped (roleMapping) gets what it was mapped to.
     */
    @Test
    @Order(10)
    void theStockManagerIsNamedAtStartAndOpensOnlyForTheGroupTheOperatorMapped() {
        assertThat(tomcat.log("portcullis.log"))
                .contains("Portcullis protects 7 webapp(s) on Host [localhost]: [/, /clash, /docs, /examples, /host-manager,"
                        + " /manager, /sample]")
                .contains("[/host-manager, /manager] check Tomcat's administrative roles, which the IdP grants only"
                        + " through roleMapping (now: manager-status)");

        Browser mallory = new Browser();
        SignIn.signIn(mallory, tomcat.directUrl("/sample/"), idpOrigin, tomcat.acsUrl(), "mallory", "mallory");
        for (String path : List.of("/manager/html", "/manager/status", "/manager/text/list", "/host-manager/html")) {
            assertThat(mallory.get(tomcat.directUrl(path)).status()).as(path).isEqualTo(403);
        }
        assertThat(tomcat.log("portcullis-audit.log").lines().filter(l -> l.contains("role_dropped")
                && l.contains("\"mallory\"")).toList())
                .anySatisfy(l -> assertThat(l).contains("\"manager-gui\"").contains("tomcat_admin_role"))
                .anySatisfy(l -> assertThat(l).contains("\"admin-gui\""));
        // INSTALL.md step 3: with portcullis-log4j2.xml installed, warnings still reach catalina.out.
        assertThat(tomcat.log("catalina.out")).contains("the IdP value [manager-gui] of attribute [roles] is one of"
                + " Tomcat's administrative roles and was dropped");

        Browser oscar = new Browser();
        SignIn.signIn(oscar, tomcat.directUrl("/sample/"), idpOrigin, tomcat.acsUrl(), "oscar", "oscar");
        Page status = oscar.get(tomcat.directUrl("/manager/status"));
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body()).contains("Server Status");
        assertThat(oscar.get(tomcat.directUrl("/manager/html")).status()).isEqualTo(403);
    }

    /**
     * When the webapps start (the sample, the clash webapp and Tomcat's own), Tomcat opens no Portcullis
     * JAR to look for TLDs or web fragments: on a stock Tomcat that scan of the valve JAR was about half
     * of what the valve added to a start (issue 16). No operator step: catalina.properties is as shipped.
     * Every other JAR is treated as before: the probe JAR in lib/ is scanned, Tomcat's own are not.
     */
    @Test
    @Order(11)
    void tomcatDoesNotScanTheValveJarWhenWebappsStart() throws Exception {
        assertThat(tomcat.jarsScannedFromClassPath()).as("class path JARs Tomcat scanned")
                .containsExactly(StockTomcat.SCAN_PROBE);
        assertThat(Files.readString(tomcat.base().resolve("conf/catalina.properties"))).doesNotContainIgnoringCase("portcullis");
    }

    /**
     * Fail closed on the same distribution, for a setting that fails only while the engine is built (the IdP
     * metadata file is missing): the valve builds its engine while Tomcat deploys the webapps (issue 16), and
     * the failure still stops Tomcat before any Connector serves: the sentence naming the setting, nothing
     * listening, no "Server startup in". A Tomcat of its own, beside the one the other tests use.
     */
    @Test
    @Order(12)
    void aSettingThatFailsWhileTheEngineIsBuiltStopsTomcatBeforeItServes() {
        int port = RealWorld.freePort();
        try (StockTomcat refused = StockTomcat.install(version(), port, Map.of("PORTCULLIS_TOMCAT_BASE",
                RealWorld.root().resolve(".cache/run/tomcat-" + version() + "-misconfigured").toString()))) {
            refused.startExpectingRefusal("/nonexistent/idp-metadata.xml");

            assertThat(refused.running()).as("Tomcat gave up").isFalse();
            assertThat(listening(port)).as("nothing answers on port %d", port).isFalse();
            assertThat(refused.log("catalina.out"))
                    .contains("Portcullis setting 'idpMetadata': cannot read /nonexistent/idp-metadata.xml")
                    .contains("Portcullis will not start, and localhost will not serve requests until this is fixed.")
                    .doesNotContain("Server startup in");
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void tomcatRanAndStoppedWithoutSevereRecordsOrStackTraces() throws Exception {
        assertThat(tomcat.log("catalina.out")).contains("Server startup in");
        assertNoTrouble("while running");

        tomcat.close();

        assertThat(tomcat.log("catalina.out")).contains("Stopping service [Catalina]");
        assertNoTrouble("after bin/catalina.sh stop");
        assertThat(Files.exists(tomcat.spCertificateFile())).isTrue();
    }

    private void assertNoTrouble(String when) {
        String logs = tomcat.tomcatLogs();
        List<String> trouble = logs.lines().filter(line -> TROUBLE.matcher(line).find()).toList();
        assertThat(trouble).as("SEVERE records or stack traces in Tomcat's logs %s:%n%s", when, logs).isEmpty();
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
