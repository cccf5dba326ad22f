package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * A single Tomcat with the built-in heap caches, restarted: its replay cache starts empty, so without the
 * replay epoch a Response accepted before the restart would be accepted again after it while its
 * assertion is valid. Shown in a real embedded Tomcat, both ways: the used Response is refused after the
 * restart ({@code issued_before_replay_window}, and no session), while a sign-in that was in flight
 * across the restart (the IdP answered after it) and a fresh one are accepted.
 */
class ReplayAcrossRestartTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("restart-idp");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("restart-sp");
    private static final Pattern REFERENCE = Pattern.compile("<code>([A-Z0-9]{10})</code>");

    private static EmbeddedTomcat server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        server.start(server.valve());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** The browser after the valve sent it to the IdP, and the RelayState and AuthnRequest ID it carries. */
    private record Started(Browser browser, String relayState, String requestId) {
    }

    private static Started startSignIn() {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/page")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        return new Started(browser, query.get("RelayState"), request.getDocumentElement().getAttribute("ID"));
    }

    /** The IdP's signed answer to a started sign-in, issued now, as the form the browser posts. */
    private static Map<String, String> answer(Started started, String user) {
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), started.requestId(), user);
        builder.attribute("roles", "user");
        Document response = builder.build();
        XmlSigning.sign(Xml.first(response, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(response));
        form.put("RelayState", started.relayState());
        return form;
    }

    @Test
    void aResponseUsedBeforeARestartIsRefusedAfterItWhileSignInsAfterItAreAccepted() throws Exception {
        Started alice = startSignIn();
        Map<String, String> used = answer(alice, "alice");
        Instant issued = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        assertThat(alice.browser().post(server.url("/sso/acs"), used).status()).as("first use").isEqualTo(303);
        Browser attacker = new Browser();
        assertThat(attacker.post(server.url("/sso/acs"), used).status()).as("replay before the restart").isEqualTo(403);
        Started inFlight = startSignIn();

        // A restart takes seconds in real life; here it must at least end in a later second than the one the
        // assertion was issued in (IssueInstant has whole seconds).
        while (!Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(issued)) {
            Thread.sleep(50);
        }
        server.tomcat.stop();
        server.tomcat.start();

        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser.Page replayed = attacker.post(server.url("/sso/acs"), used);

            assertThat(replayed.status()).as("the replay after the restart:%n%s", replayed.body()).isEqualTo(403);
            assertThat(replayed.headers("Set-Cookie")).as("no session").noneMatch(c -> c.matches("PORTCULLIS=[^;]+.*"));
            Matcher reference = REFERENCE.matcher(replayed.body());
            assertThat(reference.find()).isTrue();
            assertThat(logs.lines()).as("the reason, under the page's reference").anyMatch(line -> line.contains(
                    "Sign-in refused [issued_before_replay_window] correlation [" + reference.group(1) + "]"));
        }

        Browser.Page landed = inFlight.browser().post(server.url("/sso/acs"), answer(inFlight, "bob"));
        assertThat(landed.status()).as("a sign-in started before the restart, answered after it:%n%s", landed.body())
                .isEqualTo(303);
        // (Tomcat's restart drops the test's programmatic webapps; the valve's own sign-out page names the user.)
        assertThat(inFlight.browser().get(server.url("/sso/logout")).body()).as("signed in")
                .contains("<strong>bob</strong>");
        Started fresh = startSignIn();
        Map<String, String> freshAnswer = answer(fresh, "alice");
        assertThat(fresh.browser().post(server.url("/sso/acs"), freshAnswer).status()).as("a new sign-in").isEqualTo(303);
        assertThat(new Browser().post(server.url("/sso/acs"), freshAnswer).status()).as("and its replay").isEqualTo(403);
    }
}
