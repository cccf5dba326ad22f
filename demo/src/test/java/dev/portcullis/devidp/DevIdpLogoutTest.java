package dev.portcullis.devidp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.portcullis.testing.AuthnRequests;
import dev.portcullis.testing.Forms;
import dev.portcullis.testing.SpLogoutMessages;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * The development IdP's sessions and Single Logout, over real HTTP against its embedded Tomcat: the
 * IdP session that answers a signed-in browser without the password, the SP's LogoutRequest on both
 * bindings (accepted, and refused for each thing that can be wrong with it, one at a time), the signed
 * LogoutResponse that goes back, and IdP-initiated logout with the SP's answer. The test plays the SP
 * with the test kit; the IdP's messages are checked with the IdP certificate and nothing else. Every
 * refusal is paired with the same message accepted once the one thing at fault is put right, and a
 * refused message is shown to have ended nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevIdpLogoutTest {

    private static final String SP_ENTITY_ID = "https://sp.example.test/sso/metadata";
    private static final String ACS_URL = "https://sp.example.test/sso/acs";
    private static final String SP_SLO_URL = "https://sp.example.test/sso/slo";
    private static final String COOKIE = SessionCookie.NAME;

    private final TestCredentials idpKey = TestCredentials.rsa("test IdP");
    private final TestCredentials spKey = TestCredentials.rsa("test SP");
    private final TestCredentials attackerKey = TestCredentials.rsa("attacker");
    private final List<DevIdp> started = new ArrayList<>();

    /** Requests must be signed by the SP; Single Logout is offered. */
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
        DevIdp running = DevIdp.start(builder.build());
        started.add(running);
        return running;
    }

    /** A browser signed in at the IdP, and what the SP was told: NameID, its Format and the SessionIndex. */
    record SignedIn(Browser browser, String sessionCookie, String nameId, String nameIdFormat, String sessionIndex) {
    }

    // ------------------------------------------------------------------ metadata

    @Test
    void metadataOffersSingleLogoutForBothBindingsAtSloOnlyWhenTheSpCertificateIsKnown() {
        DevIdp withoutCertificate = start(b -> { });

        Document metadata = Xml.parse(new Browser().get(idp.metadataUrl()).body());
        Document without = Xml.parse(new Browser().get(withoutCertificate.metadataUrl()).body());

        NodeList services = metadata.getElementsByTagNameNS(IdpMetadataWriter.METADATA_NS, "SingleLogoutService");
        List<String> bindings = new ArrayList<>();
        for (int i = 0; i < services.getLength(); i++) {
            Element service = (Element) services.item(i);
            assertThat(service.getAttribute("Location")).isEqualTo(idp.baseUrl() + "/slo").isEqualTo(idp.sloUrl());
            bindings.add(service.getAttribute("Binding"));
        }
        assertThat(bindings).containsExactlyInAnyOrder(IdpMetadataWriter.REDIRECT_BINDING, IdpMetadataWriter.POST_BINDING);
        assertThat(without.getElementsByTagNameNS(IdpMetadataWriter.METADATA_NS, "SingleLogoutService").getLength())
                .as("no SP certificate, so no logout message could be verified").isZero();
    }

    // ------------------------------------------------------------------ the IdP session

    @Test
    void aSignedInBrowserIsAnsweredWithoutThePasswordAndWithTheSameSessionIndex() {
        SignedIn alice = signIn(idp, "alice");

        Page again = alice.browser().get(authnRequest(idp).signedRedirectUrl(idp.ssoUrl(), spKey));
        Page elsewhere = new Browser().get(authnRequest(idp).signedRedirectUrl(idp.ssoUrl(), spKey));

        assertThat(alice.browser().cookie("localhost", COOKIE)).isNotNull();
        Document response = responseIn(again);
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "NameID").getTextContent()).isEqualTo("alice");
        assertThat(sessionIndexOf(response)).isEqualTo(alice.sessionIndex());
        assertLoginForm(elsewhere);
    }

    @Test
    void forceAuthnAsksForThePasswordAgainAndKeepsTheSessionIndex() {
        SignedIn alice = signIn(idp, "alice");
        AuthnRequests force = authnRequest(idp);
        force.forceAuthn = true;

        Page login = alice.browser().get(force.signedRedirectUrl(idp.ssoUrl(), spKey));
        assertLoginForm(login);
        Page autoPost = Forms.submit(alice.browser(), login, Map.of("username", "alice", "password", "alice"));

        assertThat(sessionIndexOf(responseIn(autoPost))).isEqualTo(alice.sessionIndex());
    }

    @Test
    void homePageSaysWhoIsSignedInHereAndThatIdpInitiatedLogoutIsForDemosOnly() {
        SignedIn bob = signIn(idp, "bob");

        Page home = bob.browser().get(idp.baseUrl() + "/");
        Page anonymous = new Browser().get(idp.baseUrl() + "/");

        assertThat(home.body()).contains("Signed in at this IdP as <strong>bob</strong>")
                .contains("<a href=\"/logout?user=alice\">").contains("for demos and tests only");
        assertThat(anonymous.body()).contains("Nobody is signed in at this IdP in this browser");
    }

    // ------------------------------------------------------------------ SP-initiated: the SP's LogoutRequest

    @Test
    void spLogoutOverRedirectEndsTheIdpSessionAndAnswersWithALogoutResponseSignedByTheIdp() {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages request = logoutRequest(alice);

        Page answer = alice.browser().get(request.signedRedirectUrl(idp.sloUrl(), spKey));

        assertThat(answer.status()).as("body:%n%s", answer.body()).isEqualTo(302);
        String location = answer.location();
        assertThat(location).startsWith(SP_SLO_URL + "?SAMLResponse=");
        assertThat(RedirectBinding.verify(location, idpKey.certificate().getPublicKey())).isTrue();
        assertThat(RedirectBinding.verify(location, attackerKey.certificate().getPublicKey())).isFalse();
        assertThat(Browser.query(location)).containsEntry("RelayState", request.relayState)
                .containsEntry("SigAlg", XmlSigning.RSA_SHA256);
        Element response = inflate(location, "SAMLResponse");
        assertThat(response.getLocalName()).isEqualTo("LogoutResponse");
        assertThat(response.getNamespaceURI()).isEqualTo(SamlResponseBuilder.PROTOCOL_NS);
        assertThat(response.getAttribute("InResponseTo")).isEqualTo(request.id);
        assertThat(response.getAttribute("Destination")).isEqualTo(SP_SLO_URL);
        assertThat(response.getAttribute("ID")).startsWith("_").isNotEqualTo(request.id);
        assertThat(Instant.parse(response.getAttribute("IssueInstant"))).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Issuer").getTextContent()).isEqualTo(idp.entityId());
        assertThat(statusCodes(response)).containsExactly(SamlResponseBuilder.STATUS_SUCCESS);

        assertThat(alice.browser().cookie("localhost", COOKIE)).as("the IdP cookie is cleared").isNull();
        assertThat(hasIdpSession(alice, idp)).as("the IdP session is gone").isFalse();
        assertLoginForm(alice.browser().get(authnRequest(idp).signedRedirectUrl(idp.ssoUrl(), spKey)));
    }

    @Test
    void spLogoutOverPostIsAcceptedSignedByTheSpAndRefusedUnsignedOrSignedWithAnotherKey() {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages request = logoutRequest(alice);

        Page unsigned = new Browser().post(idp.sloUrl(), request.postFields());
        Page forged = new Browser().post(idp.sloUrl(), request.signedPostFields(attackerKey));
        assertRefused(unsigned, Rejection.UNSIGNED_REQUEST);
        assertRefused(forged, Rejection.INVALID_SIGNATURE);
        assertThat(hasIdpSession(alice, idp)).as("nothing ended by the refusals").isTrue();

        Page answer = new Browser().post(idp.sloUrl(), request.signedPostFields(spKey));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(RedirectBinding.verify(answer.location(), idpKey.certificate().getPublicKey())).isTrue();
        assertThat(inflate(answer.location(), "SAMLResponse").getAttribute("InResponseTo")).isEqualTo(request.id);
        assertThat(Browser.query(answer.location())).containsEntry("RelayState", request.relayState);
        assertThat(hasIdpSession(alice, idp)).isFalse();
    }

    /** One thing wrong with an otherwise valid, SP-signed LogoutRequest (HTTP-Redirect), and the reason it is refused for. */
    static Stream<Arguments> oneThingWrong() {
        return Stream.of(
                Arguments.of("another SP's Issuer", (Consumer<SpLogoutMessages>) m -> m.issuer = "https://other-sp.example.test/metadata",
                        Rejection.WRONG_ISSUER),
                Arguments.of("no Issuer", (Consumer<SpLogoutMessages>) m -> m.issuer = null, Rejection.WRONG_ISSUER),
                Arguments.of("another IdP's Destination", (Consumer<SpLogoutMessages>) m -> m.destination = "https://other-idp.example.test/slo",
                        Rejection.WRONG_DESTINATION),
                Arguments.of("no Destination", (Consumer<SpLogoutMessages>) m -> m.destination = null, Rejection.WRONG_DESTINATION),
                Arguments.of("issued ten minutes ago", (Consumer<SpLogoutMessages>) m -> m.issueInstant = Instant.now().minus(Duration.ofMinutes(10)),
                        Rejection.STALE_MESSAGE),
                Arguments.of("issued in five minutes", (Consumer<SpLogoutMessages>) m -> m.issueInstant = Instant.now().plus(Duration.ofMinutes(5)),
                        Rejection.STALE_MESSAGE),
                Arguments.of("no IssueInstant", (Consumer<SpLogoutMessages>) m -> m.issueInstant = null, Rejection.STALE_MESSAGE),
                Arguments.of("NotOnOrAfter passed", (Consumer<SpLogoutMessages>) m -> m.notOnOrAfter = Instant.now().minus(Duration.ofMinutes(3)),
                        Rejection.STALE_MESSAGE),
                Arguments.of("no NameID", (Consumer<SpLogoutMessages>) m -> m.nameId = null, Rejection.MISSING_NAME_ID),
                Arguments.of("an empty NameID", (Consumer<SpLogoutMessages>) m -> m.nameId = " ", Rejection.MISSING_NAME_ID),
                Arguments.of("no ID", (Consumer<SpLogoutMessages>) m -> m.id = null, Rejection.NOT_LOGOUT_MESSAGE),
                Arguments.of("SAML 1.1", (Consumer<SpLogoutMessages>) m -> m.version = "1.1", Rejection.NOT_LOGOUT_MESSAGE),
                Arguments.of("a LogoutResponse sent as SAMLRequest", (Consumer<SpLogoutMessages>) m -> m.element = "LogoutResponse",
                        Rejection.NOT_LOGOUT_MESSAGE),
                Arguments.of("a RelayState of 81 bytes", (Consumer<SpLogoutMessages>) m -> m.relayState = "r".repeat(81),
                        Rejection.MALFORMED_REQUEST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneThingWrong")
    void aLogoutRequestWithOneThingWrongIsRefusedAndEndsNothing(String what, Consumer<SpLogoutMessages> change,
                                                                 Rejection reason) {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages wrong = logoutRequest(alice);
        change.accept(wrong);
        if ("LogoutResponse".equals(wrong.element)) {
            // Sent under the request's parameter name, which is what makes it wrong here.
            String xml = wrong.xml();
            wrong.element = "LogoutRequest";
            assertRefused(new Browser().get(wrong.signedRedirectUrl(idp.sloUrl(), xml, spKey)), reason);
        } else {
            assertRefused(new Browser().get(wrong.signedRedirectUrl(idp.sloUrl(), spKey)), reason);
        }
        assertThat(hasIdpSession(alice, idp)).as("the refusal ended nothing").isTrue();

        Page right = new Browser().get(logoutRequest(alice).signedRedirectUrl(idp.sloUrl(), spKey));

        assertThat(right.status()).as("the same request put right:%n%s", right.body()).isEqualTo(302);
        assertThat(hasIdpSession(alice, idp)).isFalse();
    }

    @Test
    void aRedirectLogoutRequestUnsignedOrSignedWithAnotherKeyOrChangedAfterSigningIsRefused() {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages request = logoutRequest(alice);
        request.relayState = "original";
        String signed = request.signedRedirectUrl(idp.sloUrl(), spKey);

        assertRefused(new Browser().get(request.redirectUrl(idp.sloUrl())), Rejection.UNSIGNED_REQUEST);
        assertRefused(new Browser().get(request.signedRedirectUrl(idp.sloUrl(), attackerKey)), Rejection.INVALID_SIGNATURE);
        assertRefused(new Browser().get(signed.replace("RelayState=original", "RelayState=changed")), Rejection.INVALID_SIGNATURE);
        assertThat(hasIdpSession(alice, idp)).isTrue();

        assertThat(new Browser().get(signed).status()).isEqualTo(302);
        assertThat(hasIdpSession(alice, idp)).isFalse();
    }

    @Test
    void aRedirectLogoutRequestCarryingAnXmlSignatureInsideIsRefused() {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages request = logoutRequest(alice);
        Document signedXml = request.document();
        XmlSigning.sign(signedXml.getDocumentElement(), spKey);

        assertRefused(new Browser().get(request.signedRedirectUrl(idp.sloUrl(), Xml.toString(signedXml), spKey)),
                Rejection.INVALID_SIGNATURE);
        assertThat(new Browser().get(request.signedRedirectUrl(idp.sloUrl(), spKey)).status()).isEqualTo(302);
    }

    @Test
    void aReplayedLogoutRequestIsRefused() {
        SignedIn alice = signIn(idp, "alice");
        String url = logoutRequest(alice).signedRedirectUrl(idp.sloUrl(), spKey);

        Page first = new Browser().get(url);
        Page again = new Browser().get(url);

        assertThat(first.status()).isEqualTo(302);
        assertRefused(again, Rejection.REPLAYED_MESSAGE);
    }

    @Test
    void aPostedLogoutRequestWithADoctypeIsRefusedWithoutEcho() {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages request = logoutRequest(alice);
        String withDoctype = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + request.xml().replace("<saml:Issuer>", "<saml:Issuer>&e;");

        Page refused = new Browser().post(idp.sloUrl(), Map.of("SAMLRequest", Xml.base64(withDoctype)));

        assertRefused(refused, Rejection.MALFORMED_REQUEST);
        assertThat(refused.body()).doesNotContain("ENTITY", "passwd", "Exception");
        assertThat(hasIdpSession(alice, idp)).isTrue();
    }

    @Test
    void aLogoutRequestNamingAnotherNameIdFormatOrSessionIndexEndsNothingButIsAnswered() {
        SignedIn alice = signIn(idp, "alice");
        SpLogoutMessages bob = SpLogoutMessages.request(idp.sloUrl(), SP_ENTITY_ID, "bob", alice.sessionIndex());
        SpLogoutMessages otherIndex = logoutRequest(alice);
        otherIndex.sessionIndexes.set(0, "_another-session");
        SpLogoutMessages otherFormat = logoutRequest(alice);
        otherFormat.nameIdFormat = SamlResponseBuilder.NAMEID_EMAIL;

        for (SpLogoutMessages request : List.of(bob, otherIndex, otherFormat)) {
            Page answer = new Browser().get(request.signedRedirectUrl(idp.sloUrl(), spKey));
            assertThat(answer.status()).isEqualTo(302);
            assertThat(statusCodes(inflate(answer.location(), "SAMLResponse"))).containsExactly(SamlResponseBuilder.STATUS_SUCCESS);
        }
        assertThat(hasIdpSession(alice, idp)).as("none of them named alice's session").isTrue();

        SpLogoutMessages noFormat = logoutRequest(alice);
        noFormat.nameIdFormat = null;
        assertThat(new Browser().get(noFormat.signedRedirectUrl(idp.sloUrl(), spKey)).status()).isEqualTo(302);
        assertThat(hasIdpSession(alice, idp)).as("no Format means unspecified, as issued").isFalse();
    }

    @Test
    void aLogoutRequestWithoutSessionIndexEndsEverySessionOfThatNameIdAndNoOtherUsers() {
        SignedIn aliceAtWork = signIn(idp, "alice");
        SignedIn aliceAtHome = signIn(idp, "alice");
        SignedIn bob = signIn(idp, "bob");
        SpLogoutMessages everywhere = SpLogoutMessages.request(idp.sloUrl(), SP_ENTITY_ID, "alice", null);

        assertThat(new Browser().get(everywhere.signedRedirectUrl(idp.sloUrl(), spKey)).status()).isEqualTo(302);

        assertThat(hasIdpSession(aliceAtWork, idp)).isFalse();
        assertThat(hasIdpSession(aliceAtHome, idp)).isFalse();
        assertThat(hasIdpSession(bob, idp)).isTrue();
    }

    @Test
    void theAnswerSaysPartialLogoutWhenConfiguredTo() {
        DevIdp partial = start(b -> b.spCertificate(spKey.certificate()).answerPartialLogout(true));
        SignedIn alice = signIn(partial, "alice");

        Page answer = new Browser().get(SpLogoutMessages.request(partial.sloUrl(), SP_ENTITY_ID, "alice",
                alice.sessionIndex()).signedRedirectUrl(partial.sloUrl(), spKey));
        Page plain = new Browser().get(logoutRequest(signIn(idp, "alice")).signedRedirectUrl(idp.sloUrl(), spKey));

        assertThat(RedirectBinding.verify(answer.location(), idpKey.certificate().getPublicKey())).isTrue();
        assertThat(statusCodes(inflate(answer.location(), "SAMLResponse")))
                .containsExactly(SamlResponseBuilder.STATUS_SUCCESS, SpLogoutMessages.PARTIAL_LOGOUT);
        assertThat(statusCodes(inflate(plain.location(), "SAMLResponse"))).containsExactly(SamlResponseBuilder.STATUS_SUCCESS);
    }

    @Test
    void withoutAnSpCertificateEveryLogoutMessageIsRefused() {
        DevIdp open = start(b -> { });
        SignedIn alice = signIn(open, "alice");
        SpLogoutMessages request = SpLogoutMessages.request(open.sloUrl(), SP_ENTITY_ID, "alice", alice.sessionIndex());

        assertRefused(new Browser().get(request.signedRedirectUrl(open.sloUrl(), spKey)), Rejection.SLO_NOT_CONFIGURED);
        assertRefused(new Browser().get(request.redirectUrl(open.sloUrl())), Rejection.SLO_NOT_CONFIGURED);
        assertRefused(new Browser().get(open.logoutUrl("alice")), Rejection.SLO_NOT_CONFIGURED);
        assertThat(hasIdpSession(alice, open)).isTrue();
    }

    @Test
    void theSpSloUrlIsTheAcsUrlWithSloForAcsUnlessConfigured() {
        assertThat(DevIdpConfig.builder().serviceProvider(SP_ENTITY_ID, ACS_URL).build().spSloUrl()).isEqualTo(SP_SLO_URL);
        assertThat(DevIdpConfig.builder().serviceProvider(SP_ENTITY_ID, "http://localhost:8080/sample/sso/acs").build()
                .spSloUrl()).isEqualTo("http://localhost:8080/sample/sso/slo");
        assertThatThrownBy(() -> DevIdpConfig.builder().serviceProvider(SP_ENTITY_ID, "https://sp.example.test/saml/post").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spSloUrl");
        assertThat(DevIdpConfig.builder().serviceProvider(SP_ENTITY_ID, "https://sp.example.test/saml/post")
                .spSloUrl("https://sp.example.test/saml/logout").build().spSloUrl()).isEqualTo("https://sp.example.test/saml/logout");

        DevIdp elsewhere = start(b -> b.spCertificate(spKey.certificate()).spSloUrl("https://sp.example.test/saml/logout"));
        SignedIn alice = signIn(elsewhere, "alice");
        Page answer = new Browser().get(SpLogoutMessages.request(elsewhere.sloUrl(), SP_ENTITY_ID, "alice",
                alice.sessionIndex()).signedRedirectUrl(elsewhere.sloUrl(), spKey));
        assertThat(answer.location()).startsWith("https://sp.example.test/saml/logout?SAMLResponse=");
        assertThat(inflate(answer.location(), "SAMLResponse").getAttribute("Destination"))
                .isEqualTo("https://sp.example.test/saml/logout");
    }

    // ------------------------------------------------------------------ IdP-initiated

    @Test
    void idpInitiatedLogoutEndsEverySessionOfTheUserAndSendsASignedLogoutRequestNamingThem() {
        DevIdp fresh = start(b -> b.spCertificate(spKey.certificate()));
        SignedIn aliceAtWork = signIn(fresh, "alice");
        SignedIn aliceAtHome = signIn(fresh, "alice");
        SignedIn bob = signIn(fresh, "bob");

        Page toSp = new Browser().get(fresh.logoutUrl("alice"));

        assertThat(toSp.status()).as("body:%n%s", toSp.body()).isEqualTo(302);
        String location = toSp.location();
        assertThat(location).startsWith(SP_SLO_URL + "?SAMLRequest=");
        assertThat(RedirectBinding.verify(location, idpKey.certificate().getPublicKey())).isTrue();
        assertThat(RedirectBinding.verify(location, attackerKey.certificate().getPublicKey())).isFalse();
        String relayState = Browser.query(location).get("RelayState");
        assertThat(relayState).isNotBlank().hasSizeLessThanOrEqualTo(80);
        Element request = inflate(location, "SAMLRequest");
        assertThat(request.getLocalName()).isEqualTo("LogoutRequest");
        assertThat(request.getAttribute("Destination")).isEqualTo(SP_SLO_URL);
        assertThat(request.getAttribute("ID")).startsWith("_");
        Instant issued = Instant.parse(request.getAttribute("IssueInstant"));
        assertThat(issued).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(Instant.parse(request.getAttribute("NotOnOrAfter"))).isAfter(issued);
        assertThat(Xml.first(request, SamlResponseBuilder.ASSERTION_NS, "Issuer").getTextContent()).isEqualTo(fresh.entityId());
        Element nameId = Xml.first(request, SamlResponseBuilder.ASSERTION_NS, "NameID");
        assertThat(nameId.getTextContent()).isEqualTo(aliceAtWork.nameId());
        assertThat(nameId.getAttribute("Format")).isEqualTo(aliceAtWork.nameIdFormat());
        assertThat(texts(request, SamlResponseBuilder.PROTOCOL_NS, "SessionIndex"))
                .containsExactlyInAnyOrder(aliceAtWork.sessionIndex(), aliceAtHome.sessionIndex());

        assertThat(hasIdpSession(aliceAtWork, fresh)).isFalse();
        assertThat(hasIdpSession(aliceAtHome, fresh)).isFalse();
        assertThat(hasIdpSession(bob, fresh)).isTrue();
    }

    @Test
    void theSpsSignedLogoutResponseIsShownOnceAndRefusedUnsignedOrSignedWithAnotherKey() {
        signIn(idp, "alice");
        Page toSp = new Browser().get(idp.logoutUrl("alice"));
        SpLogoutMessages answer = answerTo(toSp);

        assertRefused(new Browser().get(answer.redirectUrl(idp.sloUrl())), Rejection.UNSIGNED_REQUEST);
        assertRefused(new Browser().get(answer.signedRedirectUrl(idp.sloUrl(), attackerKey)), Rejection.INVALID_SIGNATURE);
        Page confirmed = new Browser().get(answer.signedRedirectUrl(idp.sloUrl(), spKey));
        Page again = new Browser().get(answer.signedRedirectUrl(idp.sloUrl(), spKey));

        assertThat(confirmed.status()).as("body:%n%s", confirmed.body()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Signed out of " + SP_ENTITY_ID).contains("confirmed the sign-out");
        assertRefused(again, Rejection.UNKNOWN_LOGOUT);
    }

    @Test
    void aLogoutResponseToAnotherRequestOrWithAnUnknownRelayStateIsRefused() {
        signIn(idp, "alice");
        SpLogoutMessages otherRequest = answerTo(new Browser().get(idp.logoutUrl("alice")));
        otherRequest.inResponseTo = "_some-other-request";
        signIn(idp, "alice");
        SpLogoutMessages unknownRelay = answerTo(new Browser().get(idp.logoutUrl("alice")));
        String realRelay = unknownRelay.relayState;
        unknownRelay.relayState = "not-a-logout-of-this-idp";

        assertRefused(new Browser().get(otherRequest.signedRedirectUrl(idp.sloUrl(), spKey)), Rejection.WRONG_IN_RESPONSE_TO);
        assertRefused(new Browser().get(unknownRelay.signedRedirectUrl(idp.sloUrl(), spKey)), Rejection.UNKNOWN_LOGOUT);

        unknownRelay.relayState = realRelay;
        assertThat(new Browser().get(unknownRelay.signedRedirectUrl(idp.sloUrl(), spKey)).body())
                .contains("confirmed the sign-out");
    }

    @Test
    void aLogoutResponseOverPostIsAcceptedAndANonSuccessStatusIsShownAsNotConfirmed() {
        signIn(idp, "alice");
        SpLogoutMessages success = answerTo(new Browser().get(idp.logoutUrl("alice")));
        signIn(idp, "alice");
        SpLogoutMessages failure = answerTo(new Browser().get(idp.logoutUrl("alice")));
        failure.statusCode = SpLogoutMessages.STATUS_REQUESTER;

        Page posted = new Browser().post(idp.sloUrl(), success.signedPostFields(spKey));
        Page notConfirmed = new Browser().get(failure.signedRedirectUrl(idp.sloUrl(), spKey));

        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.body()).contains("Signed out of " + SP_ENTITY_ID);
        assertThat(notConfirmed.status()).isEqualTo(200);
        assertThat(notConfirmed.body()).contains("Sign-out not confirmed").doesNotContain("confirmed the sign-out");
    }

    @Test
    void idpInitiatedLogoutOfAnUnknownUserIsRefusedAndOfAUserWithoutSpSessionSendsNothing() {
        DevIdp quiet = start(b -> b.spCertificate(spKey.certificate()));
        Browser carol = new Browser();

        Page unknown = carol.get(quiet.logoutUrl("mallory"));
        Page nobodySignedIn = carol.get(quiet.logoutUrl("bob"));
        signIn(quiet, "bob");
        Page bobSignedIn = carol.get(quiet.logoutUrl("bob"));

        assertRefused(unknown, Rejection.UNKNOWN_USER);
        assertThat(nobodySignedIn.status()).isEqualTo(200);
        assertThat(nobodySignedIn.location()).isNull();
        assertThat(nobodySignedIn.body()).contains("nothing to tell the service provider");
        assertThat(bobSignedIn.status()).isEqualTo(302);
        assertThat(bobSignedIn.location()).startsWith(SP_SLO_URL + "?SAMLRequest=");
    }

    // ------------------------------------------------------------------ helpers

    private AuthnRequests authnRequest(DevIdp target) {
        return AuthnRequests.to(target.ssoUrl(), SP_ENTITY_ID, ACS_URL);
    }

    /** A new browser signs in at the IdP with a signed AuthnRequest; what the Response told the SP. */
    private SignedIn signIn(DevIdp target, String user) {
        Browser browser = new Browser();
        Page login = browser.get(authnRequest(target).signedRedirectUrl(target.ssoUrl(), spKey));
        assertLoginForm(login);
        Page autoPost = Forms.submit(browser, login, Map.of("username", user, "password", user));
        Document response = responseIn(autoPost);
        Element nameId = Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "NameID");
        String cookie = browser.cookie("localhost", COOKIE);
        assertThat(cookie).as("the IdP session cookie").isNotNull();
        return new SignedIn(browser, cookie, nameId.getTextContent(), nameId.getAttribute("Format"), sessionIndexOf(response));
    }

    /** The LogoutRequest an SP would send for this sign-in. */
    private SpLogoutMessages logoutRequest(SignedIn signedIn) {
        SpLogoutMessages request = SpLogoutMessages.request(idp.sloUrl(), SP_ENTITY_ID, signedIn.nameId(),
                signedIn.sessionIndex());
        request.nameIdFormat = signedIn.nameIdFormat();
        return request;
    }

    /** The SP's Success answer to the IdP's LogoutRequest in this redirect. */
    private SpLogoutMessages answerTo(Page toSp) {
        assertThat(toSp.status()).as("body:%n%s", toSp.body()).isEqualTo(302);
        Element request = inflate(toSp.location(), "SAMLRequest");
        return SpLogoutMessages.response(idp.sloUrl(), SP_ENTITY_ID, request.getAttribute("ID"),
                Browser.query(toSp.location()).get("RelayState"));
    }

    /**
     * Whether the IdP still knows this sign-in's session: a new browser holding only its session cookie
     * (the original may have been told to forget it) sends an AuthnRequest, and is either answered at
     * once or shown the login form.
     */
    private boolean hasIdpSession(SignedIn signedIn, DevIdp target) {
        Browser probe = new Browser();
        probe.setCookie("localhost", COOKIE, signedIn.sessionCookie());
        Page page = probe.get(authnRequest(target).signedRedirectUrl(target.ssoUrl(), spKey));
        assertThat(page.status()).isEqualTo(200);
        return Browser.formFields(page.body()).containsKey("SAMLResponse");
    }

    private static Document responseIn(Page autoPost) {
        String samlResponse = Browser.formFields(autoPost.body()).get("SAMLResponse");
        assertThat(samlResponse).as("SAMLResponse in:%n%s", autoPost.body()).isNotNull();
        return Xml.parse(Base64.getDecoder().decode(samlResponse));
    }

    private static String sessionIndexOf(Document response) {
        return Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "AuthnStatement").getAttribute("SessionIndex");
    }

    private static Element inflate(String url, String parameter) {
        return Xml.parse(RedirectBinding.inflate(Browser.query(url).get(parameter))).getDocumentElement();
    }

    private static List<String> statusCodes(Element response) {
        List<String> codes = new ArrayList<>();
        NodeList elements = response.getElementsByTagNameNS(SamlResponseBuilder.PROTOCOL_NS, "StatusCode");
        for (int i = 0; i < elements.getLength(); i++) {
            codes.add(((Element) elements.item(i)).getAttribute("Value"));
        }
        return codes;
    }

    private static List<String> texts(Element parent, String namespace, String localName) {
        List<String> texts = new ArrayList<>();
        NodeList elements = parent.getElementsByTagNameNS(namespace, localName);
        for (int i = 0; i < elements.getLength(); i++) {
            texts.add(elements.item(i).getTextContent());
        }
        return texts;
    }

    private static void assertLoginForm(Page page) {
        assertThat(page.status()).as("status of:%n%s", page.body()).isEqualTo(200);
        assertThat(Browser.formAction(page.body())).isEqualTo("/login");
        assertThat(page.body()).contains("name=\"password\"");
    }

    private static void assertRefused(Page page, Rejection reason) {
        assertThat(page.status()).as("status of:%n%s", page.body()).isEqualTo(400);
        assertThat(page.body()).contains(Html.escape(reason.publicMessage())).doesNotContain("<form")
                .doesNotContain("Exception");
        assertThat(page.location()).isNull();
    }
}
