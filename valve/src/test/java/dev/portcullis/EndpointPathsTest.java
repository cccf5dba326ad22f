package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.saml.LogoutMessages;
import dev.portcullis.saml.MessageEncoder;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Ids;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * An operator replacing another SP keeps the URLs registered at the IdP: with acsPath, sloPath,
 * metadataPath and logoutPath set to Shibboleth SP's, a sign-in and an IdP-initiated Single Logout go
 * through those paths on a real Tomcat, the AuthnRequest and the SP metadata name them, the Destination
 * check follows them, and the default paths are no endpoints any more. Without the settings, the
 * endpoints are where they always were.
 */
class EndpointPathsTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");
    private static final MessageEncoder IDP = new MessageEncoder(IDP_KEY.privateKey(), IDP_KEY.certificate(), new SecureXml());

    private static final String ACS = "/Shibboleth.sso/SAML2/POST";
    private static final String SLO = "/Shibboleth.sso/SLO/Redirect";
    private static final String METADATA = "/Shibboleth.sso/Metadata";
    private static final String LOGOUT = "/Shibboleth.sso/Logout";

    private EmbeddedTomcat server;

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private void start(boolean customPaths) throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY, true);
        SsoValve valve = server.valve();
        if (customPaths) {
            valve.setProperty("acsPath", ACS);
            valve.setProperty("sloPath", SLO);
            valve.setProperty("metadataPath", METADATA);
            valve.setProperty("logoutPath", LOGOUT);
        }
        server.start(valve);
    }

    /** Starts a sign-in at /app/; returns the AuthnRequest and its RelayState. */
    private Map.Entry<Document, String> toIdp(Browser browser) {
        Browser.Page page = browser.get(server.url("/app/"));
        assertThat(page.status()).isEqualTo(302);
        Map<String, String> query = Browser.query(page.location());
        return Map.entry(Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest"))), query.get("RelayState"));
    }

    /** The IdP's signed answer for alice, addressed to {@code destination}, posted to {@code acsPath}. */
    private Browser.Page answer(Browser browser, Map.Entry<Document, String> request, String destination, String acsPath,
                                String audience) {
        Document doc = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY, audience, destination,
                request.getKey().getDocumentElement().getAttribute("ID"), "alice").build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", request.getValue());
        return browser.post(server.url(acsPath), form);
    }

    private static Element first(Document document, String name) {
        return Xml.first(document, SamlConstants.METADATA_NS, name);
    }

    @Test
    void aSignInAndASingleLogoutGoThroughAnotherSpsPaths() throws Exception {
        start(true);
        Document metadata = Xml.parse(new Browser().get(server.url(METADATA)).body());
        assertThat(metadata.getDocumentElement().getAttribute("entityID")).isEqualTo(server.url(METADATA));
        assertThat(first(metadata, "AssertionConsumerService").getAttribute("Location")).isEqualTo(server.url(ACS));
        assertThat(first(metadata, "SingleLogoutService").getAttribute("Location")).isEqualTo(server.url(SLO));

        Browser alice = new Browser();
        Map.Entry<Document, String> request = toIdp(alice);
        assertThat(request.getKey().getDocumentElement().getAttribute("AssertionConsumerServiceURL")).isEqualTo(server.url(ACS));
        assertThat(answer(new Browser(), toIdp(new Browser()), server.url("/sso/acs"), ACS, server.url(METADATA)).status())
                .as("a Response addressed to the old ACS URL").isEqualTo(403);
        Browser.Page landing = answer(alice, request, server.url(ACS), ACS, server.url(METADATA));
        assertThat(landing.status()).isEqualTo(303);
        assertThat(alice.follow(landing).body()).contains("user=alice");

        Browser.Page confirmation = alice.get(server.url(LOGOUT));
        assertThat(confirmation.status()).isEqualTo(200);
        assertThat(Browser.formAction(confirmation.body())).isEqualTo(LOGOUT);

        String logoutRequest = LogoutMessages.logoutRequest(Ids.newId(), Instant.now(), server.url(SLO),
                EmbeddedTomcat.IDP_ENTITY, "alice", SamlResponseBuilder.NAMEID_UNSPECIFIED, null, null, null);
        Browser.Page answered = new Browser().get(IDP.redirectUrl(server.url(SLO), "SAMLRequest", logoutRequest, null));
        assertThat(answered.status()).isEqualTo(302);
        assertThat(answered.location()).startsWith(EmbeddedTomcat.IDP_SLO + "?SAMLResponse=");
        assertThat(alice.get(server.url("/app/")).status()).as("alice's session ended").isEqualTo(302);

        for (String old : new String[] {"/sso/acs", "/sso/slo", "/sso/metadata", "/sso/logout"}) {
            assertThat(new Browser().get(server.url(old)).status()).as(old + " is no endpoint any more").isEqualTo(404);
        }
    }

    @Test
    void withoutPathSettingsTheEndpointsStayWhereTheyWere() throws Exception {
        start(false);
        Document metadata = Xml.parse(new Browser().get(server.url("/sso/metadata")).body());
        assertThat(metadata.getDocumentElement().getAttribute("entityID")).isEqualTo(server.url("/sso/metadata"));
        assertThat(first(metadata, "AssertionConsumerService").getAttribute("Location")).isEqualTo(server.url("/sso/acs"));
        assertThat(first(metadata, "SingleLogoutService").getAttribute("Location")).isEqualTo(server.url("/sso/slo"));

        Browser alice = new Browser();
        Map.Entry<Document, String> request = toIdp(alice);
        assertThat(request.getKey().getDocumentElement().getAttribute("AssertionConsumerServiceURL"))
                .isEqualTo(server.url("/sso/acs"));
        Browser.Page landing = answer(alice, request, server.url("/sso/acs"), "/sso/acs", server.url("/sso/metadata"));
        assertThat(landing.status()).isEqualTo(303);
        assertThat(Browser.formAction(alice.get(server.url("/sso/logout")).body())).isEqualTo("/sso/logout");
        assertThat(new Browser().get(server.url(ACS)).status()).as("another SP's path is a protected page").isEqualTo(302);
    }
}
