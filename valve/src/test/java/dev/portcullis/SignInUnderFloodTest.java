package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

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
 * A flood of unauthenticated requests, each of which starts a sign-in, pushes the earlier sign-ins out
 * of the bounded pending-login cache (here 20 entries, so that a few hundred requests are a flood). A
 * person who was at the IdP meanwhile must still be signed in: the sign-in is proven by its RelayState
 * handle, not by the cache entry, which only remembered the page to return to.
 */
class SignInUnderFloodTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("flood-idp");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("flood-sp");
    private static final int FLOOD = 400;

    private static EmbeddedTomcat server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        Path ehcache = server.dir.resolve("ehcache.xml");
        StringBuilder xml = new StringBuilder("<config xmlns=\"http://www.ehcache.org/v3\">\n");
        for (String cache : new String[] {"portcullis-sessions", "portcullis-replay", "portcullis-session-index"}) {
            xml.append("  <cache-template name=\"").append(cache).append("\"><heap unit=\"entries\">1000</heap></cache-template>\n");
        }
        xml.append("  <cache-template name=\"portcullis-pending-logins\"><heap unit=\"entries\">20</heap></cache-template>\n");
        Files.writeString(ehcache, xml.append("</config>\n"));
        SsoValve valve = server.valve();
        valve.setProperty("ehcacheConfig", ehcache.toString());
        // This test is about the cache: the flood must reach it, so the per-address limit on sign-in starts (which
        // would answer the flood with 429 after a hundred, SignInRateLimitTest) is off here.
        valve.setProperty("signInRateLimit", "off");
        server.start(valve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aSignInStartedBeforeTheFloodStillCompletes() {
        Browser alice = new Browser();
        Browser.Page toIdp = alice.get(server.url("/app/page?x=1"));
        assertThat(toIdp.status()).isEqualTo(302);
        Map<String, String> query = Browser.query(toIdp.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));

        Browser attacker = new Browser();
        for (int i = 0; i < FLOOD; i++) {
            assertThat(attacker.get(server.url("/app/flood-" + i)).status()).isEqualTo(302);
        }

        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        builder.attribute("roles", "user");
        Document response = builder.build();
        XmlSigning.sign(Xml.first(response, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Browser.Page acs = alice.post(server.url("/sso/acs"),
                Map.of("SAMLResponse", Xml.base64(response), "RelayState", query.get("RelayState")));

        assertThat(acs.status()).as("signed in despite the flood:%n%s", acs.body()).isEqualTo(303);
        // The flood did push alice's entry out: she lands on the default page, not the one she asked for.
        assertThat(acs.location()).isEqualTo(server.url("/"));
        assertThat(alice.get(server.url("/app/whoami")).body()).contains("user=alice");
    }

    @Test
    void withoutAFloodTheUserReturnsToTheRequestedPage() {
        Browser bob = new Browser();
        Browser.Page toIdp = bob.get(server.url("/app/page?x=2"));
        Map<String, String> query = Browser.query(toIdp.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "bob");
        Document response = builder.build();
        XmlSigning.sign(Xml.first(response, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);

        Browser.Page acs = bob.post(server.url("/sso/acs"),
                Map.of("SAMLResponse", Xml.base64(response), "RelayState", query.get("RelayState")));

        assertThat(acs.status()).isEqualTo(303);
        assertThat(acs.location()).isEqualTo(server.url("/app/page?x=2"));
    }
}
