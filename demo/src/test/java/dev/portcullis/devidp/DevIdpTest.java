package dev.portcullis.devidp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.portcullis.testing.AuthnRequests;
import dev.portcullis.testing.Forms;
import dev.portcullis.testing.Signatures;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;

/**
 * The development IdP on its own, over real HTTP against its embedded Tomcat on a free port: metadata,
 * both request bindings with and without the SP's signature, the login form, and the signed Response.
 * Every refusal is paired with the same request accepted once the one thing at fault is put right, so
 * that a refusal for some other reason cannot pass for the one under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevIdpTest {

    private static final String SP_ENTITY_ID = "https://sp.example.test/sso/metadata";
    private static final String ACS_URL = "https://sp.example.test/sso/acs";

    private final TestCredentials idpKey = TestCredentials.rsa("test IdP");
    private final TestCredentials spKey = TestCredentials.rsa("test SP");
    private final TestCredentials attackerKey = TestCredentials.rsa("attacker");
    private final List<DevIdp> started = new ArrayList<>();

    /** The usual setup: requests must be signed by the SP, the assertion is signed. */
    private DevIdp idp;

    @BeforeAll
    void startIdp() {
        idp = start(b -> b.spCertificate(spKey.certificate()));
    }

    @AfterAll
    void stopIdps() {
        started.forEach(DevIdp::close);
    }

    private DevIdp start(Consumer<DevIdpConfig.Builder> customize) {
        DevIdpConfig.Builder builder = DevIdpConfig.builder().credentials(idpKey).serviceProvider(SP_ENTITY_ID, ACS_URL);
        customize.accept(builder);
        DevIdp started = DevIdp.start(builder.build());
        this.started.add(started);
        return started;
    }

    private AuthnRequests request(DevIdp target) {
        return AuthnRequests.to(target.ssoUrl(), SP_ENTITY_ID, ACS_URL);
    }

    // ------------------------------------------------------------------ metadata and home page

    @Test
    void metadataNamesTheIdpItsSigningKeyAndBothBindings() {
        Page response = new Browser().get(idp.metadataUrl());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/samlmetadata+xml");
        Document metadata = Xml.parse(response.body());
        Element entity = metadata.getDocumentElement();
        assertThat(entity.getLocalName()).isEqualTo("EntityDescriptor");
        assertThat(entity.getAttribute("entityID")).isEqualTo(idp.entityId()).isEqualTo(idp.baseUrl() + "/metadata");
        assertThat(Xml.first(metadata, "http://www.w3.org/2000/09/xmldsig#", "X509Certificate").getTextContent())
                .isEqualTo(idpKey.certificateBase64());
        Element descriptor = Xml.first(metadata, IdpMetadataWriter.METADATA_NS, "IDPSSODescriptor");
        assertThat(descriptor.getAttribute("WantAuthnRequestsSigned")).isEqualTo("true");
        NodeList services = metadata.getElementsByTagNameNS(IdpMetadataWriter.METADATA_NS, "SingleSignOnService");
        List<String> bindings = new ArrayList<>();
        for (int i = 0; i < services.getLength(); i++) {
            Element service = (Element) services.item(i);
            assertThat(service.getAttribute("Location")).isEqualTo(idp.baseUrl() + "/sso");
            bindings.add(service.getAttribute("Binding"));
        }
        assertThat(bindings).containsExactlyInAnyOrder(IdpMetadataWriter.REDIRECT_BINDING, IdpMetadataWriter.POST_BINDING);
    }

    @Test
    void withoutAnSpCertificateMetadataWantsNoSignatureAndUnsignedRequestsAreServed() {
        DevIdp open = start(b -> { });

        Document metadata = Xml.parse(new Browser().get(open.metadataUrl()).body());
        Page login = new Browser().get(request(open).redirectUrl(open.ssoUrl()));

        assertThat(Xml.first(metadata, IdpMetadataWriter.METADATA_NS, "IDPSSODescriptor")
                .getAttribute("WantAuthnRequestsSigned")).isEqualTo("false");
        assertLoginForm(login);
    }

    @Test
    void homePageSaysItIsForDemosAndTestsOnlyAndListsTheUsers() {
        Page home = new Browser().get(idp.baseUrl() + "/");

        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Portcullis development IdP \u2014 for demos and tests only, never in production")
                .contains("alice").contains("bob").doesNotContain("password");
    }

    // ------------------------------------------------------------------ HTTP-Redirect binding

    @Test
    void signedRedirectRequestGetsTheLoginForm() {
        Page login = new Browser().get(request(idp).signedRedirectUrl(idp.ssoUrl(), spKey));

        assertLoginForm(login);
        assertThat(Browser.formFields(login.body())).containsKey("state");
    }

    @Test
    void unsignedRedirectRequestIsRefusedWhileTheSameRequestSignedIsServed() {
        AuthnRequests request = request(idp);

        Page unsigned = new Browser().get(request.redirectUrl(idp.ssoUrl()));
        Page signed = new Browser().get(request.signedRedirectUrl(idp.ssoUrl(), spKey));

        assertRefused(unsigned, Rejection.UNSIGNED_REQUEST);
        assertLoginForm(signed);
    }

    @Test
    void redirectRequestSignedWithAnotherKeyIsRefused() {
        AuthnRequests request = request(idp);

        assertRefused(new Browser().get(request.signedRedirectUrl(idp.ssoUrl(), attackerKey)), Rejection.INVALID_SIGNATURE);
        assertLoginForm(new Browser().get(request.signedRedirectUrl(idp.ssoUrl(), spKey)));
    }

    @Test
    void redirectRequestWhoseRelayStateWasChangedAfterSigningIsRefused() {
        AuthnRequests request = request(idp);
        request.relayState = "original";
        String signed = request.signedRedirectUrl(idp.ssoUrl(), spKey);

        String tampered = signed.replace("RelayState=original", "RelayState=changed");

        assertThat(tampered).isNotEqualTo(signed);
        assertRefused(new Browser().get(tampered), Rejection.INVALID_SIGNATURE);
        assertLoginForm(new Browser().get(signed));
    }

    @Test
    void redirectRequestSignedOverAReencodedQueryIsRefused() {
        // The signature covers the octets as sent; this one covers a different (lower-case) encoding.
        AuthnRequests request = request(idp);
        request.relayState = "a/b";
        String signedQuery = "SAMLRequest=" + AuthnRequests.url(Xml.deflateBase64(request.xml()))
                + "&RelayState=a%2fb&SigAlg=" + AuthnRequests.url(AuthnRequests.RSA_SHA256);
        String signature = AuthnRequests.sign(signedQuery, spKey.privateKey(), AuthnRequests.RSA_SHA256);
        String sentQuery = signedQuery.replace("a%2fb", "a%2Fb");

        assertRefused(new Browser().get(idp.ssoUrl() + "?" + sentQuery + "&Signature=" + AuthnRequests.url(signature)),
                Rejection.INVALID_SIGNATURE);
        assertLoginForm(new Browser().get(idp.ssoUrl() + "?" + signedQuery + "&Signature=" + AuthnRequests.url(signature)));
    }

    @Test
    void ecdsaSignedRedirectRequestIsServedWhenTheSpKeyIsEc() {
        TestCredentials ecSp = TestCredentials.ec("EC SP");
        DevIdp ecIdp = start(b -> b.spCertificate(ecSp.certificate()));
        AuthnRequests request = request(ecIdp);

        assertLoginForm(new Browser().get(request.signedRedirectUrl(ecIdp.ssoUrl(), ecSp)));
        assertRefused(new Browser().get(request.signedRedirectUrl(ecIdp.ssoUrl(), spKey)), Rejection.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void ecdsaSha384SignedRedirectRequestIsServedWhenTheSpKeyIsP384() {
        TestCredentials p384 = TestCredentials.ec("EC P-384 SP", "secp384r1");
        DevIdp ecIdp = start(b -> b.spCertificate(p384.certificate()));
        AuthnRequests request = request(ecIdp);
        String sha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";

        assertLoginForm(new Browser().get(request.signedRedirectUrl(ecIdp.ssoUrl(), p384.privateKey(), sha384)));
        assertRefused(new Browser().get(request.signedRedirectUrl(ecIdp.ssoUrl(), TestCredentials.ec("other", "secp384r1")
                .privateKey(), sha384)), Rejection.INVALID_SIGNATURE);
    }

    @Test
    void redirectRequestWithTheSamlRequestTwiceIsRefused() {
        AuthnRequests request = request(idp);
        String signed = request.signedRedirectUrl(idp.ssoUrl(), spKey);

        assertRefused(new Browser().get(signed + "&SAMLRequest=x"), Rejection.MALFORMED_REQUEST);
        assertLoginForm(new Browser().get(signed));
    }

    // ------------------------------------------------------------------ HTTP-POST binding

    @Test
    void signedPostRequestGetsTheLoginFormAndAnUnsignedOneIsRefused() {
        AuthnRequests request = request(idp);

        Page signed = new Browser().post(idp.ssoUrl(),
                Map.of("SAMLRequest", request.signedPostValue(spKey), "RelayState", "rs"));
        Page unsigned = new Browser().post(idp.ssoUrl(),
                Map.of("SAMLRequest", request.postValue(), "RelayState", "rs"));

        assertLoginForm(signed);
        assertRefused(unsigned, Rejection.UNSIGNED_REQUEST);
    }

    @Test
    void postRequestSignedWithAnAttackersKeyIsRefusedEvenWithItsCertificateInKeyInfo() {
        AuthnRequests request = request(idp);

        Page forged = new Browser().post(idp.ssoUrl(), Map.of("SAMLRequest", request.signedPostValue(attackerKey)));
        Page genuine = new Browser().post(idp.ssoUrl(), Map.of("SAMLRequest", request.signedPostValue(spKey)));

        assertRefused(forged, Rejection.INVALID_SIGNATURE);
        assertLoginForm(genuine);
    }

    @Test
    void postRequestChangedAfterSigningIsRefused() {
        AuthnRequests request = request(idp);
        String signedXml = new String(Base64.getDecoder().decode(request.signedPostValue(spKey)));
        String changed = signedXml.replace("AllowCreate=\"true\"", "AllowCreate=\"false\"");

        assertThat(changed).isNotEqualTo(signedXml);
        assertRefused(new Browser().post(idp.ssoUrl(), Map.of("SAMLRequest", Xml.base64(changed))), Rejection.INVALID_SIGNATURE);
        assertLoginForm(new Browser().post(idp.ssoUrl(), Map.of("SAMLRequest", Xml.base64(signedXml))));
    }

    // ------------------------------------------------------------------ request content

    @Test
    void requestFromAnotherIssuerIsRefused() {
        AuthnRequests other = request(idp);
        other.issuer = "https://other-sp.example.test/metadata";

        assertRefused(new Browser().get(other.signedRedirectUrl(idp.ssoUrl(), spKey)), Rejection.WRONG_ISSUER);
        assertLoginForm(new Browser().get(request(idp).signedRedirectUrl(idp.ssoUrl(), spKey)));
    }

    @Test
    void requestAskingForAnotherAcsUrlIsRefusedAndOneNamingNoneIsServed() {
        AuthnRequests elsewhere = request(idp);
        elsewhere.acsUrl = "https://attacker.example.test/acs";
        AuthnRequests none = request(idp);
        none.acsUrl = null;

        assertRefused(new Browser().get(elsewhere.signedRedirectUrl(idp.ssoUrl(), spKey)), Rejection.WRONG_ACS_URL);
        assertLoginForm(new Browser().get(none.signedRedirectUrl(idp.ssoUrl(), spKey)));
    }

    @Test
    void signedRequestForAnotherDestinationOrNoneIsRefused() {
        AuthnRequests elsewhere = request(idp);
        elsewhere.destination = "https://other-idp.example.test/sso";
        AuthnRequests none = request(idp);
        none.destination = null;

        assertRefused(new Browser().get(elsewhere.signedRedirectUrl(idp.ssoUrl(), spKey)), Rejection.WRONG_DESTINATION);
        assertRefused(new Browser().get(none.signedRedirectUrl(idp.ssoUrl(), spKey)), Rejection.WRONG_DESTINATION);
        assertLoginForm(new Browser().get(request(idp).signedRedirectUrl(idp.ssoUrl(), spKey)));
    }

    @Test
    void requestWithADoctypeIsRefusedWithoutEchoOrStackTrace() {
        DevIdp open = start(b -> { });
        AuthnRequests request = request(open);
        String xml = request.xml();
        String withDoctype = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + xml.replace("<saml:Issuer>",
                "<saml:Issuer>&e;");

        Page refused = new Browser().post(open.ssoUrl(), Map.of("SAMLRequest", Xml.base64(withDoctype)));

        assertRefused(refused, Rejection.MALFORMED_REQUEST);
        assertThat(refused.body()).doesNotContain("<!DOCTYPE x", "ENTITY", "passwd", "Exception", "\tat ");
        assertLoginForm(new Browser().post(open.ssoUrl(), Map.of("SAMLRequest", Xml.base64(xml))));
    }

    @Test
    void somethingThatIsNotAnAuthnRequestIsRefused() {
        DevIdp open = start(b -> { });
        String logout = "<samlp:LogoutRequest xmlns:samlp=\"" + SamlResponseBuilder.PROTOCOL_NS + "\" ID=\"_1\" Version=\"2.0\"/>";

        assertRefused(new Browser().post(open.ssoUrl(), Map.of("SAMLRequest", Xml.base64(logout))), Rejection.NOT_AUTHN_REQUEST);
        assertRefused(new Browser().post(open.ssoUrl(), Map.of("SAMLRequest", "%%% not base64")), Rejection.MALFORMED_REQUEST);
        assertRefused(new Browser().get(open.ssoUrl()), Rejection.MISSING_REQUEST);
        assertLoginForm(new Browser().post(open.ssoUrl(), Map.of("SAMLRequest", request(open).postValue())));
    }

    // ------------------------------------------------------------------ login and Response

    @Test
    void wrongPasswordStaysOnTheLoginPageAndTheRightOneThenSignsIn() {
        Browser browser = new Browser();
        Page login = browser.get(request(idp).signedRedirectUrl(idp.ssoUrl(), spKey));

        Page wrong = Forms.submit(browser, login, Map.of("username", "alice", "password", "bob"));

        assertThat(wrong.status()).isEqualTo(200);
        assertThat(wrong.uri().toString()).startsWith(idp.baseUrl());
        assertThat(wrong.body()).contains("Invalid username or password").doesNotContain("SAMLResponse");
        assertLoginForm(wrong);
        assertThat(Browser.formFields(wrong.body()).get("state")).isEqualTo(Browser.formFields(login.body()).get("state"));

        Page right = Forms.submit(browser, wrong, Map.of("username", "alice", "password", "alice"));
        assertThat(Browser.formFields(right.body())).containsKey("SAMLResponse");
    }

    @Test
    void unknownUserIsTreatedLikeAWrongPassword() {
        Browser browser = new Browser();
        Page login = browser.get(request(idp).signedRedirectUrl(idp.ssoUrl(), spKey));

        Page unknown = Forms.submit(browser, login, Map.of("username", "mallory", "password", "mallory"));

        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.body()).contains("Invalid username or password").doesNotContain("SAMLResponse");
    }

    @Test
    void correctLoginPostsAResponseToTheAcsWhoseAssertionIsSignedByTheIdp() {
        Browser browser = new Browser();
        AuthnRequests request = request(idp);
        Page login = browser.get(request.signedRedirectUrl(idp.ssoUrl(), spKey));

        Page autoPost = Forms.submit(browser, login, Map.of("username", "alice", "password", "alice"));

        assertThat(autoPost.status()).isEqualTo(200);
        assertThat(Browser.formAction(autoPost.body())).isEqualTo(ACS_URL);
        assertThat(autoPost.body()).contains("<noscript>").contains("document.forms[0].submit()");
        Map<String, String> fields = Browser.formFields(autoPost.body());
        assertThat(fields.get("RelayState")).isEqualTo(request.relayState);
        Document response = Xml.parse(Base64.getDecoder().decode(fields.get("SAMLResponse")));
        Element root = response.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("Response");
        assertThat(root.getAttribute("InResponseTo")).isEqualTo(request.id);
        assertThat(root.getAttribute("Destination")).isEqualTo(ACS_URL);
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "NameID").getTextContent()).isEqualTo("alice");
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Audience").getTextContent()).isEqualTo(SP_ENTITY_ID);
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "SubjectConfirmationData")
                .getAttribute("InResponseTo")).isEqualTo(request.id);
        assertThat(attributeValues(response, "roles")).containsExactly("user", "admin");
        assertThat(attributeValues(response, "mail")).containsExactly("alice@example.com");
        assertThat(attributeValues(response, "displayName")).containsExactly("Alice Example");
        assertThat(attributeValues(response, "uid")).containsExactly("alice");

        Element assertion = Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Assertion");
        assertThat(Signatures.verifies(assertion, idpKey.certificate())).isTrue();
        assertThat(Signatures.verifies(assertion, attackerKey.certificate())).isFalse();
        assertThat(Signatures.signatureOf(root)).as("ASSERTION mode leaves the Response unsigned").isNull();
    }

    @Test
    void aStateTokenAnswersOneLoginOnly() {
        Browser browser = new Browser();
        Page login = browser.get(request(idp).signedRedirectUrl(idp.ssoUrl(), spKey));
        Page first = Forms.submit(browser, login, Map.of("username", "bob", "password", "bob"));

        Page again = Forms.submit(browser, login, Map.of("username", "bob", "password", "bob"));

        assertThat(Browser.formFields(first.body())).containsKey("SAMLResponse");
        assertRefused(again, Rejection.UNKNOWN_STATE);
    }

    @ParameterizedTest
    @EnumSource(SigningMode.class)
    void eachSigningModeSignsWhatItSays(SigningMode mode) {
        DevIdp signing = start(b -> b.signingMode(mode));

        Document response = signIn(signing, "bob", "bob");

        Element root = response.getDocumentElement();
        Element assertion = Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Assertion");
        // The Response signature covers the assertion's, so it is checked first, before the assertion's ID is touched.
        assertThat(Signatures.verifies(root, idpKey.certificate())).isEqualTo(mode != SigningMode.ASSERTION);
        assertThat(Signatures.verifies(assertion, idpKey.certificate())).isEqualTo(mode != SigningMode.RESPONSE);
        assertThat(attributeValues(response, "roles")).containsExactly("user");
    }

    @Test
    void idpInitiatedLoginHasNoInResponseToAndNoRelayState() {
        Browser browser = new Browser();
        Page login = browser.get(idp.initiateUrl());
        assertLoginForm(login);

        Page autoPost = Forms.submit(browser, login, Map.of("username", "alice", "password", "alice"));

        Map<String, String> fields = Browser.formFields(autoPost.body());
        assertThat(fields).containsKey("SAMLResponse").doesNotContainKey("RelayState");
        Document response = Xml.parse(Base64.getDecoder().decode(fields.get("SAMLResponse")));
        assertThat(response.getDocumentElement().hasAttribute("InResponseTo")).isFalse();
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "SubjectConfirmationData")
                .hasAttribute("InResponseTo")).isFalse();
        assertThat(Signatures.verifies(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Assertion"),
                idpKey.certificate())).isTrue();
    }

    @Test
    void timesComeFromTheInjectedClockAndTheConfiguredLifetime() {
        Instant now = Instant.parse("2030-01-02T03:04:05Z");
        DevIdp timed = start(b -> b.clock(new TestClock(now)).assertionLifetime(Duration.ofMinutes(2))
                .nameIdFormat(SamlResponseBuilder.NAMEID_PERSISTENT));

        Document response = signIn(timed, "alice", "alice");

        assertThat(response.getDocumentElement().getAttribute("IssueInstant")).isEqualTo("2030-01-02T03:04:05Z");
        Element conditions = Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Conditions");
        assertThat(conditions.getAttribute("NotOnOrAfter")).isEqualTo("2030-01-02T03:06:05Z");
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "NameID").getAttribute("Format"))
                .isEqualTo(SamlResponseBuilder.NAMEID_PERSISTENT);
    }

    @Test
    void aPendingLoginExpiresAfterTenMinutes() {
        TestClock clock = new TestClock(Instant.parse("2030-01-02T03:04:05Z"));
        DevIdp timed = start(b -> b.clock(clock));
        Browser browser = new Browser();
        Page early = browser.get(request(timed).redirectUrl(timed.ssoUrl()));
        Page late = browser.get(request(timed).redirectUrl(timed.ssoUrl()));

        clock.advance(Duration.ofMinutes(9));
        Page inTime = Forms.submit(browser, early, Map.of("username", "bob", "password", "bob"));
        clock.advance(Duration.ofMinutes(1));
        Page tooLate = Forms.submit(browser, late, Map.of("username", "bob", "password", "bob"));

        assertThat(Browser.formFields(inTime.body())).containsKey("SAMLResponse");
        assertRefused(tooLate, Rejection.UNKNOWN_STATE);
    }

    @Test
    void configurationWithoutAServiceProviderIsRefused() {
        assertThatThrownBy(() -> DevIdpConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SP entityID");
        assertThatThrownBy(() -> DevIdpConfig.builder().serviceProvider(SP_ENTITY_ID, "not a url").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acsUrl");
        assertThat(DevIdpConfig.builder().serviceProvider(SP_ENTITY_ID, ACS_URL).build().users()).containsOnlyKeys("alice", "bob");
    }

    // ------------------------------------------------------------------ helpers

    /** A whole solicited sign-in (unsigned request, so the IdP must not require signatures); the decoded Response. */
    private Document signIn(DevIdp target, String username, String password) {
        Browser browser = new Browser();
        Page login = browser.get(request(target).redirectUrl(target.ssoUrl()));
        assertLoginForm(login);
        Page autoPost = Forms.submit(browser, login, Map.of("username", username, "password", password));
        String samlResponse = Browser.formFields(autoPost.body()).get("SAMLResponse");
        assertThat(samlResponse).as("SAMLResponse in:\n%s", autoPost.body()).isNotNull();
        return Xml.parse(Base64.getDecoder().decode(samlResponse));
    }

    private static List<String> attributeValues(Document response, String name) {
        NodeList attributes = response.getElementsByTagNameNS(SamlResponseBuilder.ASSERTION_NS, "Attribute");
        for (int i = 0; i < attributes.getLength(); i++) {
            Element attribute = (Element) attributes.item(i);
            if (name.equals(attribute.getAttribute("Name"))) {
                NodeList values = attribute.getElementsByTagNameNS(SamlResponseBuilder.ASSERTION_NS, "AttributeValue");
                List<String> texts = new ArrayList<>();
                for (int j = 0; j < values.getLength(); j++) {
                    texts.add(values.item(j).getTextContent());
                }
                return texts;
            }
        }
        return List.of();
    }

    private static void assertLoginForm(Page page) {
        assertThat(page.status()).as("status of:\n%s", page.body()).isEqualTo(200);
        assertThat(Browser.formAction(page.body())).isEqualTo("/login");
        assertThat(page.body()).contains("name=\"username\"").contains("name=\"password\"")
                .contains("type=\"hidden\" name=\"state\"");
    }

    private static void assertRefused(Page page, Rejection reason) {
        assertThat(page.status()).as("status of:\n%s", page.body()).isEqualTo(400);
        assertThat(page.body()).contains(Html.escape(reason.publicMessage())).doesNotContain("<form")
                .doesNotContain("Exception");
    }
}
