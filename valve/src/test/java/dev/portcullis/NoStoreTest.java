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
 * Every response Portcullis writes itself is uncacheable and unsniffable, whatever it is: a redirect
 * to the IdP, the 401 for scripts, the ACS's redirect and its refusal page, the metadata document, the
 * logout form and its redirect, the signed-out page, the health check, Single Logout's refusal, 404 and 405. A shared
 * cache that kept any of them could replay a sign-in step or a token-bearing form to another user.
 */
class NoStoreTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static EmbeddedTomcat server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp.example.com"), true);
        server.start(server.valve());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static void uncacheable(String what, Browser.Page page, int status) {
        assertThat(page.status()).as(what).isEqualTo(status);
        assertThat(page.header("Cache-Control")).as(what + ": Cache-Control").isEqualTo("no-store");
        assertThat(page.header("X-Content-Type-Options")).as(what + ": X-Content-Type-Options").isEqualTo("nosniff");
        String type = page.header("Content-Type");
        if (type != null && type.startsWith("text/html")) {
            assertThat(page.header("Content-Security-Policy")).as(what + ": CSP").isNotBlank();
        }
    }

    @Test
    void everyResponsePortcullisWritesIsNoStore() {
        Browser browser = new Browser();
        Browser.Page toIdp = browser.get(server.url("/app/"));
        uncacheable("redirect to the IdP", toIdp, 302);
        uncacheable("401 for a script", new Browser().get(server.url("/app/x"), "Accept", "application/json"), 401);
        uncacheable("metadata", browser.get(server.url("/sso/metadata")), 200);
        uncacheable("metadata, wrong method", browser.post(server.url("/sso/metadata"), Map.of()), 405);
        uncacheable("unknown endpoint", browser.get(server.url("/sso/unknown")), 404);
        uncacheable("health check", browser.get(server.url("/sso/health")), 200);
        uncacheable("health check, wrong method", browser.post(server.url("/sso/health"), Map.of()), 405);
        uncacheable("signed-out page", browser.get(server.url("/sso/signed-out?status=local")), 200);
        uncacheable("logout without a session", browser.get(server.url("/sso/logout")), 200);
        uncacheable("Single Logout without a message", browser.get(server.url("/sso/slo")), 403);
        uncacheable("ACS refusal", new Browser().post(server.url("/sso/acs"), Map.of("SAMLResponse", "bm90IFNBTUw=")), 403);

        Map<String, String> query = Browser.query(toIdp.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        Document doc = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY, server.url("/sso/metadata"),
                server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice").build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", query.get("RelayState"));
        uncacheable("ACS redirect after sign-in", browser.post(server.url("/sso/acs"), form), 303);

        Browser.Page confirmation = browser.get(server.url("/sso/logout"));
        uncacheable("logout form", confirmation, 200);
        uncacheable("logout, SP-initiated Single Logout page", browser.submit(confirmation, Map.of()), 200);
    }
}
