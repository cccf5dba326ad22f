package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Issue 10, "anonymous clients must not buy CPU cheaply", in a real embedded Tomcat: sign-in starts are
 * limited per client address (here {@code signInRateLimit="3/1m"}), the address being the one Tomcat
 * reports after RemoteIpValve (a trusted proxy on 127.0.0.1 names the client in X-Forwarded-For). Past
 * the limit a browser gets a 429 page and a script 429 JSON, both with Retry-After; a sign-in from another
 * address still works all the way through; the limited address gets its turn back as the bucket refills.
 */
class SignInRateLimitTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestClock CLOCK = new TestClock(Instant.now());
    private static EmbeddedTomcat server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp.example.com"));
        RemoteIpValve proxy = new RemoteIpValve();
        proxy.setInternalProxies("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1");
        server.tomcat.getHost().getPipeline().addValve(proxy);
        SsoValve valve = server.valve();
        valve.setClock(CLOCK);
        valve.setProperty("signInRateLimit", "3/1m");
        server.start(valve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Browser.Page navigate(Browser browser, String client, String path) {
        return browser.get(server.url(path), "Accept", "text/html", "X-Forwarded-For", client);
    }

    @Test
    void aClientOverTheLimitGets429WhileASignInFromAnotherAddressCompletes() {
        String attacker = "203.0.113.7";
        try (CapturedLogs logs = CapturedLogs.capture()) {
            for (int i = 0; i < 3; i++) {
                assertThat(navigate(new Browser(), attacker, "/app/x" + i).status()).isEqualTo(302);
            }
            Browser.Page limited = navigate(new Browser(), attacker, "/app/x3");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isEqualTo("20");
            assertThat(limited.header("Content-Type")).startsWith("text/html");
            assertThat(limited.header("Cache-Control")).isEqualTo("no-store");
            assertThat(limited.body()).contains("Too many sign-ins").contains("Wait 20 seconds");
            assertThat(limited.header("Location")).isNull();

            Browser.Page script = new Browser().get(server.url("/app/x4"), "Sec-Fetch-Mode", "navigate",
                    "Accept", "application/json", "X-Forwarded-For", attacker);
            assertThat(script.status()).isEqualTo(429);
            assertThat(script.header("Content-Type")).startsWith("application/json");
            assertThat(script.header("Retry-After")).isEqualTo("20");
            assertThat(script.body()).isEqualTo("{\"error\":\"too_many_sign_ins\",\"message\":\"Too many sign-ins from this"
                    + " address; retry later.\",\"retry_after\":20}");

            List<String> audit = logs.lines().stream().filter(l -> l.contains("\"event\":\"sign_in_rate_limited\"")).toList();
            assertThat(audit).singleElement().satisfies(l -> assertThat(l).contains("\"client\":\"203.0.113.7\""));
        }

        Browser alice = new Browser();
        Browser.Page toIdp = navigate(alice, "198.51.100.9", "/app/page");
        assertThat(toIdp.status()).isEqualTo(302);
        assertThat(completeSignIn(alice, toIdp).body()).contains("user=alice");
    }

    @Test
    void theLimitedAddressGetsItsTurnBackAsTheBucketRefills() {
        String client = "192.0.2.44";
        for (int i = 0; i < 3; i++) {
            assertThat(navigate(new Browser(), client, "/app/").status()).isEqualTo(302);
        }
        assertThat(navigate(new Browser(), client, "/app/").status()).isEqualTo(429);

        CLOCK.advance(Duration.ofSeconds(20));
        assertThat(navigate(new Browser(), client, "/app/").status()).isEqualTo(302);
        assertThat(navigate(new Browser(), client, "/app/").status()).isEqualTo(429);
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() {
        for (int i = 1; i <= 3; i++) {
            assertThat(navigate(new Browser(), "2001:db8:1:2::" + i, "/app/").status()).isEqualTo(302);
        }
        assertThat(navigate(new Browser(), "2001:db8:1:2:ffff::9", "/app/").status()).as("same /64").isEqualTo(429);
        assertThat(navigate(new Browser(), "2001:db8:1:3::1", "/app/").status()).as("another /64").isEqualTo(302);
    }

    @Test
    void scriptsWithoutASessionStillGet401AndAreNotCounted() {
        String client = "192.0.2.99";
        for (int i = 0; i < 10; i++) {
            assertThat(new Browser().get(server.url("/app/api"), "X-Requested-With", "XMLHttpRequest",
                    "X-Forwarded-For", client).status()).isEqualTo(401);
        }
        assertThat(navigate(new Browser(), client, "/app/").status()).isEqualTo(302);
    }

    /** Answers the AuthnRequest of a redirect to the IdP with a signed Response for alice; returns the landing page. */
    private static Browser.Page completeSignIn(Browser browser, Browser.Page toIdp) {
        Map<String, String> query = Browser.query(toIdp.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(CLOCK.instant(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Browser.Page acs = browser.post(server.url("/sso/acs"),
                Map.of("SAMLResponse", Xml.base64(doc), "RelayState", query.get("RelayState")));
        assertThat(acs.status()).as(acs.body()).isEqualTo(303);
        return browser.follow(acs);
    }
}
