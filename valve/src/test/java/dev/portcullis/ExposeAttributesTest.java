package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
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
 * With {@code exposeAttributes="true"} a webapp also finds the SAML attributes, the NameID and the
 * AuthnContextClassRef as request attributes (by default only through the SamlPrincipal, see
 * {@code SsoValveTest$SigningIn}).
 */
class ExposeAttributesTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");
    private static EmbeddedTomcat server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        SsoValve valve = server.valve();
        valve.setProperty("exposeAttributes", "true");
        server.start(valve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theAttributesAreRequestAttributesToo() {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        builder.attribute("mail", "alice@example.com", "a.l@example.com");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        assertThat(browser.post(server.url("/sso/acs"), Map.of("SAMLResponse", Xml.base64(doc),
                "RelayState", query.get("RelayState"))).status()).isEqualTo(303);

        Map<String, String> seen = new LinkedHashMap<>();
        for (String line : browser.get(server.url("/app/")).body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                seen.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }

        assertThat(seen).containsEntry("attr.mail", "[alice@example.com, a.l@example.com]")
                .containsEntry("principal.attr.mail", "[alice@example.com, a.l@example.com]")
                .containsEntry("portcullisRequestAttributes",
                        "[portcullis.attributes, portcullis.authnContextClassRef, portcullis.nameId]");
    }
}
