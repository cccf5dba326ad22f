package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * The cluster add-on as an operator installs it (docs/INSTALL.md step 4, cluster variant, done by
 * scripts/tomcat-dist.sh): stock Tomcat 11 with the valve JAR and the cluster JAR in {@code lib/}, the
 * shipped conf/ehcache-cluster.xml pointing at a Terracotta server, started with {@code catalina.sh}.
 * ClusterIT shows two nodes sharing the state; this shows that the two JARs work from Tomcat's own
 * class loader, that Tomcat scans neither JAR when the webapps start, and that the state really lives on
 * the server: a session outlives a restart of Tomcat, which a node's own heap caches cannot do.
 */
@Order(32)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StockTomcatClusterIT {

    private TerracottaServer terracotta;
    private StockTomcat tomcat;
    private DevIdp idp;
    private final Browser browser = new Browser();

    @BeforeAll
    void start() {
        terracotta = TerracottaServer.start();
        int port = RealWorld.freePort();
        tomcat = StockTomcat.install("11.0.24", port, Map.of(
                "PORTCULLIS_TOMCAT_BASE", RealWorld.root().resolve(".cache/run/tomcat-11.0.24-cluster").toString(),
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
        assertThat(lib.resolve(RealWorld.valveJar().getFileName())).exists();
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
}
