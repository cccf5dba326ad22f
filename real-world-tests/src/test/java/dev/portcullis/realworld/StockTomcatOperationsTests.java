package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * Issue 14 on a stock Tomcat distribution, installed as docs/INSTALL.md says (scripts/tomcat-dist.sh),
 * plus what README "Operating Portcullis" adds: an IdP group mapped to Tomcat's {@code manager-jmx} role,
 * and the Prometheus JMX exporter agent from Maven Central with the rules in
 * {@code conf/examples/prometheus-jmx-exporter.yml}. Off-boarding runs through the Manager
 * application's JMX proxy, the way many operators script Tomcat; Prometheus scrapes the counters. A
 * Tomcat of its own, so that the drop-in suite stays exactly what INSTALL.md's steps make.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StockTomcatOperationsTests {

    private StockTomcat tomcat;
    private DevIdp idp;
    private int metricsPort;
    private final Browser alice = new Browser();

    /** The Tomcat version to download and run. */
    abstract String version();

    @BeforeAll
    void start() {
        metricsPort = RealWorld.freePort();
        tomcat = StockTomcat.install(version(), RealWorld.freePort(), Map.of(
                "PORTCULLIS_ROLE_MAPPING", "tomcat-operators=manager-jmx",
                "PORTCULLIS_TOMCAT_OPTS", "-javaagent:" + RealWorld.prometheusAgent() + "=127.0.0.1:" + metricsPort + ":"
                        + RealWorld.root().resolve("conf/examples/prometheus-jmx-exporter.yml")));
        idp = tomcat.startDevIdp();
        tomcat.start(idp.metadataUrl(), null, false);
        signIn(alice, ALICE);
    }

    @AfterAll
    void stop() {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            if (idp != null) {
                idp.close();
            }
        }
    }

    private void signIn(Browser browser, String user) {
        SignIn.signIn(browser, tomcat.directUrl("/sample/"), idp.baseUrl(), tomcat.acsUrl(), user, user);
    }

    private boolean signedIn(Browser browser) {
        return browser.get(tomcat.directUrl("/sample/")).status() == 200;
    }

    private List<String> audit(String event) {
        return tomcat.log("portcullis-audit.log").lines().filter(l -> l.contains("\"event\":\"" + event + "\"")).toList();
    }

    /**
     * Only a user holding manager-jmx (here through roleMapping) reaches the proxy: an anonymous client is
     * sent to sign in, a signed-in user without the role gets 403 and ends nothing. Then the named user's
     * session ends at once, everyone else's stays, and the audit log has one line for it.
     */
    @Test
    @Order(1)
    void theManagersJmxProxyEndsAUsersSessionsForAnOperatorOnly() {
        String invoke = tomcat.directUrl("/manager/jmxproxy/?invoke="
                + URLEncoder.encode("dev.portcullis:type=SsoValve,host=localhost", StandardCharsets.UTF_8)
                + "&op=endSessionsOf&ps=bob");
        Browser bob = new Browser();
        signIn(bob, "bob");
        assertThat(signedIn(bob)).isTrue();

        assertThat(new Browser().get(invoke).status()).as("anonymous: sent to sign in").isEqualTo(302);
        Browser mallory = new Browser();
        signIn(mallory, "mallory");
        assertThat(mallory.get(invoke).status()).as("signed in without manager-jmx").isEqualTo(403);
        assertThat(signedIn(bob)).as("nothing ended yet").isTrue();
        assertThat(audit("admin_action")).isEmpty();

        Browser oscar = new Browser();
        signIn(oscar, "oscar");
        Page answer = oscar.get(invoke);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).startsWith("OK - Operation endSessionsOf returned:").contains("1");
        assertThat(signedIn(bob)).as("bob is signed out").isFalse();
        assertThat(signedIn(alice)).as("alice is not").isTrue();
        assertThat(audit("admin_action")).singleElement().satisfies(l -> assertThat(l)
                .contains("\"action\":\"end_sessions_of\"").contains("\"target\":\"bob\"").contains("\"sessions\":1"));
    }

    /**
     * After a refused sign-in, the scraped text counts it under its error code, beside the sign-ins, the
     * operator's logout above and the gauges, named as conf/examples/prometheus-jmx-exporter.yml says.
     */
    @Test
    @Order(2)
    void prometheusScrapesTheCountersWithTheShippedRules() {
        Page refused = new Browser().post(tomcat.acsUrl(), Map.of("SAMLResponse", "bm90IFNBTUw="));
        assertThat(refused.status()).isEqualTo(403);
        List<String> failures = audit("login_failure");
        assertThat(failures).hasSize(1);
        String code = failures.get(0).replaceAll(".*\"code\":\"([a-z_]+)\".*", "$1");
        int signIns = audit("login_success").size();
        assertThat(signIns).isEqualTo(4);

        String metrics = new Browser().get("http://127.0.0.1:" + metricsPort + "/metrics").body();

        assertThat(metrics).contains("portcullis_sign_ins_refused_total{code=\"" + code + "\",host=\"localhost\"} 1.0")
                .contains("portcullis_sign_ins_refused_total{code=\"invalid_signature\",host=\"localhost\"} 0.0")
                .contains("portcullis_sign_ins_total{host=\"localhost\"} 4.0")
                .contains("portcullis_logouts_total{host=\"localhost\",kind=\"admin\"} 1.0")
                .contains("portcullis_logouts_total{host=\"localhost\",kind=\"local\"} 0.0")
                .contains("portcullis_state_store_up{host=\"localhost\"} 1.0")
                .contains("portcullis_idp_metadata_valid{host=\"localhost\"} 1.0")
                .containsPattern("portcullis_sp_certificate_expiry_days\\{host=\"localhost\"\\} \\d+\\.0")
                .containsPattern("portcullis_idp_certificate_expiry_days\\{host=\"localhost\"\\} \\d+\\.0");
    }

    /** The health check a load balancer polls, from this machine (healthDetailsFrom's default): ok and why. */
    @Test
    @Order(3)
    void theHealthCheckAnswersOkWithItsReasonToThisMachine() {
        Page health = new Browser().get(tomcat.directUrl("/sso/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.header("Cache-Control")).isEqualTo("no-store");
        assertThat(health.body()).startsWith("ok\nreason: ok\n").contains("state_store: answering");
    }
}
