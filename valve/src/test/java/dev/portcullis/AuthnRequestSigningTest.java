package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * When AuthnRequests are signed (issue 10: a signature per anonymous navigation is CPU an anonymous
 * client buys for nothing), and with which key: by default only when the IdP's metadata asks for it;
 * always or never when the operator says so; with an ECDSA P-256 or P-384 SP key at the matching hash;
 * and, when the IdP asks but there is no SP key, not at all: the valve does not start. Every case signs
 * in all the way through.
 */
class AuthnRequestSigningTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");

    private EmbeddedTomcat server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private SsoValve start(TestCredentials spKey, boolean idpWantsSigned, Consumer<SsoValve> configure) throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, spKey, true);
        Files.writeString(server.idpMetadata, new IdpMetadataWriter(EmbeddedTomcat.IDP_ENTITY).signingCertificate(IDP_KEY)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SSO)
                .singleLogoutService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SLO)
                .wantAuthnRequestsSigned(idpWantsSigned).toString());
        SsoValve valve = server.valve();
        configure.accept(valve);
        server.start(valve);
        return valve;
    }

    /** Starts a sign-in, checks the request's signature state, completes the sign-in; returns the redirect URL. */
    private String signIn(Browser browser) {
        Browser.Page toIdp = browser.get(server.url("/app/"));
        assertThat(toIdp.status()).isEqualTo(302);
        Map<String, String> query = Browser.query(toIdp.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Browser.Page acs = browser.post(server.url("/sso/acs"),
                Map.of("SAMLResponse", Xml.base64(doc), "RelayState", query.get("RelayState")));
        assertThat(acs.status()).as(acs.body()).isEqualTo(303);
        return toIdp.location();
    }

    private String spMetadata() {
        return new Browser().get(server.url("/sso/metadata")).body();
    }

    @Test
    void byDefaultAnIdpThatDoesNotAskGetsUnsignedRequestsAndTheSigningKeyIsStillPublishedForLogout() throws Exception {
        TestCredentials sp = TestCredentials.rsa("sp");
        start(sp, false, v -> { });

        String location = signIn(new Browser());
        assertThat(location).doesNotContain("Signature=").doesNotContain("SigAlg=");
        assertThat(spMetadata()).contains("AuthnRequestsSigned=\"false\"").contains("use=\"signing\"")
                .contains(sp.certificateBase64());
    }

    @Test
    void byDefaultAnIdpWhoseMetadataAsksGetsSignedRequests() throws Exception {
        TestCredentials sp = TestCredentials.rsa("sp");
        start(sp, true, v -> { });

        String location = signIn(new Browser());
        assertThat(location).contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256");
        assertThat(RedirectBinding.verify(location, sp.certificate().getPublicKey())).isTrue();
        assertThat(spMetadata()).contains("AuthnRequestsSigned=\"true\"");
    }

    @Test
    void theOperatorForcesSigningForAnIdpThatChecksWithoutSaying() throws Exception {
        TestCredentials sp = TestCredentials.rsa("sp");
        start(sp, false, v -> v.setProperty("signAuthnRequests", "true"));

        assertThat(RedirectBinding.verify(signIn(new Browser()), sp.certificate().getPublicKey())).isTrue();
        assertThat(spMetadata()).contains("AuthnRequestsSigned=\"true\"");
    }

    @Test
    void theOperatorTurnsSigningOffAndIsWarnedWhenTheIdpAsksForIt() throws Exception {
        try (CapturedLogs logs = CapturedLogs.capture()) {
            start(TestCredentials.rsa("sp"), true, v -> v.setProperty("signAuthnRequests", "false"));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("WARN").contains("wants signed AuthnRequests"));
        }
        assertThat(signIn(new Browser())).doesNotContain("Signature=");
    }

    @Test
    void withoutAnSpKeyTheValveDoesNotStartWhenTheIdpAsksForSignedRequestsAndStartsWhenItDoesNot() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp"));
        Files.writeString(server.idpMetadata, new IdpMetadataWriter(EmbeddedTomcat.IDP_ENTITY).signingCertificate(IDP_KEY)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SSO)
                .wantAuthnRequestsSigned(true).toString());
        SsoValve keyless = new SsoValve();
        keyless.setProperty("externalBaseUrl", server.url(""));
        keyless.setProperty("idpMetadata", server.idpMetadata.toString());
        try {
            server.start(keyless);
        } catch (LifecycleException e) {
            // the valve's state says it
        }
        assertThat(keyless.startFailure()).contains("'idpMetadata'").contains("asks for signed AuthnRequests")
                .contains("spPrivateKey");
        server.close();

        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp"));
        SsoValve unsigned = new SsoValve();
        unsigned.setProperty("externalBaseUrl", server.url(""));
        unsigned.setProperty("idpMetadata", server.idpMetadata.toString());
        server.start(unsigned);
        assertThat(signIn(new Browser())).doesNotContain("Signature=");
    }

    @Test
    void anEcdsaP256KeySignsRequestsAndLogoutMessagesWithEcdsaSha256() throws Exception {
        TestCredentials sp = TestCredentials.ec("sp-p256", "secp256r1");
        start(sp, true, v -> { });

        Browser browser = new Browser();
        String location = signIn(browser);
        assertThat(location).contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23ecdsa-sha256");
        assertThat(RedirectBinding.verify(location, sp.certificate().getPublicKey())).isTrue();
        String logoutRequest = logOut(browser);
        assertThat(logoutRequest).contains("ecdsa-sha256");
        assertThat(RedirectBinding.verify(logoutRequest, sp.certificate().getPublicKey())).isTrue();
        assertThat(spMetadata()).contains("use=\"signing\"").contains(sp.certificateBase64())
                .doesNotContain("use=\"encryption\"");
    }

    @Test
    void anEcdsaP384KeySignsWithEcdsaSha384() throws Exception {
        TestCredentials sp = TestCredentials.ec("sp-p384", "secp384r1");
        start(sp, true, v -> { });

        Browser browser = new Browser();
        String location = signIn(browser);
        assertThat(location).contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23ecdsa-sha384");
        assertThat(RedirectBinding.verify(location, sp.certificate().getPublicKey())).isTrue();
        assertThat(RedirectBinding.verify(logOut(browser), sp.certificate().getPublicKey())).isTrue();
    }

    @Test
    void anEcKeyCannotDecryptSoWantAssertionsEncryptedIsRefusedInOneSentence() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.ec("sp-ec"));
        SsoValve valve = server.valve();
        valve.setProperty("wantAssertionsEncrypted", "true");
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // the valve's state says it
        }
        assertThat(valve.startFailure()).contains("'wantAssertionsEncrypted'").contains("no RSA SP key");
    }

    @Test
    void anEcKeyOnAnotherCurveIsRefused() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.ec("sp-p521", "secp521r1"));
        SsoValve valve = server.valve();
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // the valve's state says it
        }
        assertThat(valve.startFailure()).contains("'spPrivateKey'").contains("P-256").contains("P-384");
    }

    /** Signs out through the confirmation form; returns the Redirect-binding LogoutRequest URL sent to the IdP. */
    private String logOut(Browser browser) {
        Browser.Page form = browser.get(server.url("/sso/logout"));
        Browser.Page sent = browser.submit(form, Map.of());
        String html = sent.body();
        int start = html.indexOf("href=\"") + 6;
        String href = html.substring(start, html.indexOf('"', start)).replace("&amp;", "&");
        assertThat(href).startsWith(EmbeddedTomcat.IDP_SLO + "?SAMLRequest=");
        return href;
    }
}
