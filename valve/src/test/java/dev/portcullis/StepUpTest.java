package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Multi-factor enforcement on chosen paths: a session from a password sign-in reaches ordinary pages,
 * is sent back to the IdP with a RequestedAuthnContext on a step-up path, is refused (403, audited)
 * if the IdP answers with a weaker sign-in, and gets in once the IdP answers with multi-factor.
 */
class StepUpTest {

    private static final String MFA = "https://refeds.org/profile/mfa";
    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");
    private static final TestClock CLOCK = new TestClock(Instant.now());

    private static EmbeddedTomcat server;
    private static SsoValve valve;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        valve = server.valve();
        valve.setClock(CLOCK);
        valve.setProperty("stepUpPaths", "/app/admin/*");
        valve.setProperty("stepUpAuthnContext", MFA);
        server.start(valve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void newBrowser() {
        browser = new Browser();
    }

    /** Follows the valve's redirect to the IdP and returns the AuthnRequest and the RelayState. */
    private Map.Entry<Document, String> toIdp(Browser.Page page) {
        assertThat(page.status()).isEqualTo(302);
        Map<String, String> query = Browser.query(page.location());
        return Map.entry(Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest"))), query.get("RelayState"));
    }

    private Browser.Page answer(Map.Entry<Document, String> request, String authnContext) {
        String id = request.getKey().getDocumentElement().getAttribute("ID");
        SamlResponseBuilder builder = SamlResponseBuilder.valid(CLOCK.instant(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), id, "alice");
        builder.attribute("roles", "user", "admin");
        builder.authnContextClassRef = authnContext;
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", request.getValue());
        return browser.post(server.url("/sso/acs"), form);
    }

    private static Element requestedContext(Document request) {
        return Xml.first(request, SamlConstants.PROTOCOL_NS, "RequestedAuthnContext");
    }

    @Test
    void aPasswordSessionIsSentToTheIdpForMultiFactorOnAStepUpPathOnly() {
        long stepUps = valve.engine().operations().getStepUps();
        Map.Entry<Document, String> first = toIdp(browser.get(server.url("/app/")));
        assertThat(requestedContext(first.getKey())).as("an ordinary sign-in asks for nothing special").isNull();
        browser.follow(answer(first, SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED));
        assertThat(browser.get(server.url("/app/")).status()).isEqualTo(200);
        assertThat(valve.engine().operations().getStepUps()).as("an ordinary sign-in").isEqualTo(stepUps);

        Map.Entry<Document, String> stepUp = toIdp(browser.get(server.url("/app/admin/")));

        Element requested = requestedContext(stepUp.getKey());
        assertThat(requested).isNotNull();
        assertThat(requested.getAttribute("Comparison")).isEqualTo("exact");
        assertThat(requested.getTextContent()).isEqualTo(MFA);
        Browser.Page landing = answer(stepUp, MFA);
        assertThat(landing.status()).isEqualTo(303);
        assertThat(landing.location()).isEqualTo(server.url("/app/admin/"));
        assertThat(browser.follow(landing).status()).isEqualTo(200);
        assertThat(valve.engine().operations().getStepUps()).as("counted as a step-up").isEqualTo(stepUps + 1);
    }

    @Test
    void anIdpAnswerWithoutMultiFactorIsRefused() {
        browser.follow(answer(toIdp(browser.get(server.url("/app/"))), SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED));
        Map.Entry<Document, String> stepUp = toIdp(browser.get(server.url("/app/admin/")));

        Browser.Page refused = answer(stepUp, SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("Sign-in failed");
        assertThat(browser.get(server.url("/app/admin/")).status()).as("still not stepped up").isEqualTo(302);
    }

    @Test
    void aMultiFactorSessionNeedsNoStepUp() {
        browser.follow(answer(toIdp(browser.get(server.url("/app/admin/"))), MFA));
        assertThat(browser.get(server.url("/app/admin/")).status()).isEqualTo(200);
    }

    @Test
    void anIdpThatSendsNoAuthnContextIsSteppedUpNotFailed() {
        browser.follow(answer(toIdp(browser.get(server.url("/app/"))), null));
        assertThat(browser.get(server.url("/app/")).status()).isEqualTo(200);

        Map.Entry<Document, String> stepUp = toIdp(browser.get(server.url("/app/admin/")));
        assertThat(answer(stepUp, null).status()).as("still no multi-factor").isEqualTo(403);
    }

    @Test
    void scriptsOnAStepUpPathGet401() {
        browser.follow(answer(toIdp(browser.get(server.url("/app/"))), SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED));
        assertThat(browser.get(server.url("/app/admin/data"), "Accept", "application/json").status()).isEqualTo(401);
    }
}
