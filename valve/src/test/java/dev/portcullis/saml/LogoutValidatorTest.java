package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.IDP;
import static dev.portcullis.saml.SamlFixtures.IDP_KEY;
import static dev.portcullis.saml.SamlFixtures.NOW;
import static dev.portcullis.saml.SamlFixtures.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * One test per check of the IdP's logout messages: the genuine message is accepted; changing one
 * thing is refused with that check's code. Over both bindings, as an attacker would send them.
 */
class LogoutValidatorTest {

    private static final String SLO = "https://apps.example.com/sso/slo";
    private static final MessageEncoder IDP_SIGNS = new MessageEncoder(IDP_KEY.privateKey(), IDP_KEY.certificate(), new SecureXml());

    private final SamlFixtures.MemoryReplayCache replay = new SamlFixtures.MemoryReplayCache();
    private final LogoutValidator validator = new LogoutValidator(new LogoutValidator.Options(SLO, SamlFixtures.SP, Duration.ofMinutes(2),
            Duration.ofMinutes(5), 64 * 1024), SamlFixtures.idp(IDP_KEY), new AlgorithmPolicy(false), null, replay,
            new SecureXml(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static String request(UnaryOperator<String> change) {
        return change.apply(LogoutMessages.logoutRequest("_lr1", NOW, SLO, IDP, "alice", SamlConstants.NAMEID_UNSPECIFIED,
                null, null, "_session1"));
    }

    private static InboundMessage redirect(String xml, MessageEncoder signer, String relayState) throws SamlValidationException {
        String url = signer.redirectUrl(SLO, "SAMLRequest", xml, relayState);
        return InboundMessage.fromQuery(url.substring(url.indexOf('?') + 1));
    }

    private static InboundMessage post(Document doc) {
        return new InboundMessage(SamlConstants.POST_BINDING, "SAMLRequest", Xml.base64(doc), null, null);
    }

    private void refused(InboundMessage message, SamlErrorCode code) {
        assertThatThrownBy(() -> validator.validateRequest(message)).isInstanceOfSatisfying(SamlValidationException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void acceptsASignedRedirectRequest() throws Exception {
        LogoutValidator.LogoutRequest result = validator.validateRequest(redirect(request(x -> x), IDP_SIGNS, "rs"));
        assertThat(result.nameId()).isEqualTo("alice");
        assertThat(result.sessionIndexes()).containsExactly("_session1");
        assertThat(result.id()).isEqualTo("_lr1");
    }

    @Test
    void acceptsASignedPostRequest() throws Exception {
        Document doc = Xml.parse(request(x -> x));
        XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
        assertThat(validator.validateRequest(post(doc)).nameId()).isEqualTo("alice");
    }

    @Test
    void refusesAnUnsignedRequestOnEitherBinding() throws Exception {
        refused(redirect(request(x -> x), new MessageEncoder(null, null, new SecureXml()), null), SamlErrorCode.MISSING_SIGNATURE);
        refused(post(Xml.parse(request(x -> x))), SamlErrorCode.MISSING_SIGNATURE);
    }

    @Test
    void refusesASignatureByAnotherKey() throws Exception {
        refused(redirect(request(x -> x), new MessageEncoder(OTHER_KEY.privateKey(), OTHER_KEY.certificate(), new SecureXml()),
                null), SamlErrorCode.INVALID_SIGNATURE);
        Document doc = Xml.parse(request(x -> x));
        XmlSigning.sign(doc.getDocumentElement(), OTHER_KEY);
        refused(post(doc), SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void refusesARelayStateChangedAfterSigning() throws Exception {
        String url = IDP_SIGNS.redirectUrl(SLO, "SAMLRequest", request(x -> x), "genuine");
        String tampered = url.replace("RelayState=genuine", "RelayState=forged");
        refused(InboundMessage.fromQuery(tampered.substring(tampered.indexOf('?') + 1)), SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void refusesAParameterThatAppearsTwice() {
        String url = IDP_SIGNS.redirectUrl(SLO, "SAMLRequest", request(x -> x), "genuine");
        String query = url.substring(url.indexOf('?') + 1) + "&RelayState=second";
        assertThatThrownBy(() -> InboundMessage.fromQuery(query)).isInstanceOfSatisfying(SamlValidationException.class,
                e -> assertThat(e.code()).isEqualTo(SamlErrorCode.MALFORMED_RESPONSE_DATA));
    }

    @Test
    void refusesAnHmacSigAlg() throws Exception {
        String url = IDP_SIGNS.redirectUrl(SLO, "SAMLRequest", request(x -> x), null);
        String hmac = url.replace("rsa-sha256", "hmac-sha256");
        refused(InboundMessage.fromQuery(hmac.substring(hmac.indexOf('?') + 1)), SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void refusesAnotherDestination() throws Exception {
        refused(redirect(request(x -> x.replace(SLO, "https://other.example.com/sso/slo")), IDP_SIGNS, null),
                SamlErrorCode.INVALID_DESTINATION);
    }

    @Test
    void refusesAnotherIssuer() throws Exception {
        refused(redirect(request(x -> x.replace(">" + IDP + "<", ">https://evil.example.net<")), IDP_SIGNS, null),
                SamlErrorCode.INVALID_ISSUER);
    }

    @Test
    void refusesAnIssueInstantInTheFutureOrTooOld() throws Exception {
        String now = java.time.format.DateTimeFormatter.ISO_INSTANT.format(NOW);
        refused(redirect(request(x -> x.replace(now, NOW.plus(Duration.ofMinutes(10)).toString())), IDP_SIGNS, null),
                SamlErrorCode.INVALID_ISSUE_INSTANT);
        refused(redirect(request(x -> x.replace(now, NOW.minus(Duration.ofMinutes(10)).toString())), IDP_SIGNS, null),
                SamlErrorCode.INVALID_ISSUE_INSTANT);
    }

    @Test
    void refusesAnExpiredRequest() throws Exception {
        refused(redirect(request(x -> x.replace(" Destination=", " NotOnOrAfter=\"" + NOW.minus(Duration.ofMinutes(3))
                + "\" Destination=")), IDP_SIGNS, null), SamlErrorCode.LOGOUT_REQUEST_EXPIRED);
    }

    @Test
    void refusesARequestWithoutNameId() throws Exception {
        refused(redirect(request(x -> x.replaceAll("<saml:NameID[^>]*>alice</saml:NameID>", "")), IDP_SIGNS, null),
                SamlErrorCode.INVALID_SUBJECT);
    }

    @Test
    void refusesAReplay() throws Exception {
        InboundMessage message = redirect(request(x -> x), IDP_SIGNS, null);
        validator.validateRequest(message);
        refused(message, SamlErrorCode.REPLAYED_LOGOUT_REQUEST);
    }

    @Test
    void refusesAnXmlSignatureInsideARedirectMessage() throws Exception {
        Document doc = Xml.parse(request(x -> x));
        XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
        refused(redirect(Xml.toString(doc), IDP_SIGNS, null), SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void refusesAResponseWhereARequestIsExpected() throws Exception {
        String response = LogoutMessages.logoutResponse("_x", NOW, SLO, IDP, "_lr1", SamlConstants.STATUS_SUCCESS);
        refused(redirect(response, IDP_SIGNS, null), SamlErrorCode.UNEXPECTED_MESSAGE);
    }

    @Test
    void checksTheLogoutResponse() throws Exception {
        String success = LogoutMessages.logoutResponse("_r", NOW, SLO, IDP, "_mine", SamlConstants.STATUS_SUCCESS);
        String url = IDP_SIGNS.redirectUrl(SLO, "SAMLResponse", success, null);
        InboundMessage message = InboundMessage.fromQuery(url.substring(url.indexOf('?') + 1));

        assertThat(validator.validateResponse(message, "_mine").success()).isTrue();
        assertThatThrownBy(() -> validator.validateResponse(message, "_other")).isInstanceOfSatisfying(
                SamlValidationException.class, e -> assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_IN_RESPONSE_TO));

        String denied = LogoutMessages.logoutResponse("_r", NOW, SLO, IDP, "_mine", "urn:oasis:names:tc:SAML:2.0:status:Responder");
        String deniedUrl = IDP_SIGNS.redirectUrl(SLO, "SAMLResponse", denied, null);
        LogoutValidator.LogoutResponse answer = validator.validateResponse(
                InboundMessage.fromQuery(deniedUrl.substring(deniedUrl.indexOf('?') + 1)), "_mine");
        assertThat(answer.success()).isFalse();
        assertThat(answer.partial()).isFalse();
    }

    @Test
    void refusesALogoutDeflateBomb() {
        byte[] zeros = new byte[50 * 1024 * 1024];
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream out = new java.util.zip.DeflaterOutputStream(bytes,
                new java.util.zip.Deflater(9, true))) {
            out.write(zeros);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        String bomb = java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
        refused(new InboundMessage(SamlConstants.REDIRECT_BINDING, "SAMLRequest", bomb, null, "SAMLRequest=x"),
                SamlErrorCode.RESPONSE_TOO_LARGE);
    }

    @Test
    void keepsAReplayEntryUntilTheRequestCouldNoLongerBeAccepted() throws Exception {
        validator.validateRequest(redirect(request(x -> x), IDP_SIGNS, null));
        assertThat(replay.entries.values()).containsExactly(NOW.plus(Duration.ofMinutes(7)));
        assertThat(List.copyOf(replay.entries.keySet()).get(0)).startsWith("logout\n");
    }

    // ------------------------------------------------------------------ the envelope shared with the ACS (issue 11)

    private static String signedPostField(String xml) throws Exception {
        Document doc = Xml.parse(xml);
        XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
        return Xml.base64(doc);
    }

    private static InboundMessage postField(String field) {
        return new InboundMessage(SamlConstants.POST_BINDING, "SAMLRequest", field, null, null);
    }

    @Test
    void decodesThePostFieldAsStrictlyAsTheAcs() throws Exception {
        String field = signedPostField(request(x -> x));
        // A MIME decoder skips characters outside the alphabet; the ACS's strict decoder refuses them, and so does SLO now.
        String dirty = field.substring(0, 40) + "*" + field.substring(40);
        refused(postField(dirty), SamlErrorCode.MALFORMED_RESPONSE_DATA);
        String wrapped = field.replaceAll("(.{76})", "$1\r\n");
        assertThat(validator.validateRequest(postField(wrapped)).nameId()).isEqualTo("alice");
    }

    @Test
    void refusesAnIssuerInAnotherFormatAsTheAcsDoes() throws Exception {
        String email = "<saml:Issuer Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">";
        refused(redirect(request(x -> x.replace("<saml:Issuer>", email)), IDP_SIGNS, null), SamlErrorCode.INVALID_ISSUER);
        String entity = "<saml:Issuer Format=\"" + SamlConstants.ENTITY_FORMAT + "\">";
        assertThat(validator.validateRequest(redirect(request(x -> x.replace("<saml:Issuer>", entity)), IDP_SIGNS, null))
                .nameId()).isEqualTo("alice");
    }

    @Test
    void appliesTheNameIdRulesOfTheAcs() throws Exception {
        refused(redirect(request(x -> x.replace(">alice<", ">ali&#x7f;ce<")), IDP_SIGNS, null), SamlErrorCode.INVALID_SUBJECT);
        refused(redirect(request(x -> x.replace(">alice<", ">" + "a".repeat(MessageEnvelope.MAX_NAME_ID_LENGTH + 1) + "<")),
                IDP_SIGNS, null), SamlErrorCode.INVALID_SUBJECT);
        refused(redirect(request(x -> x.replace("<saml:NameID ", "<saml:NameID SPNameQualifier=\"https://other.example.com/sp\" ")),
                IDP_SIGNS, null), SamlErrorCode.INVALID_SUBJECT);
        assertThat(validator.validateRequest(redirect(request(x -> x.replace("<saml:NameID ", "<saml:NameID SPNameQualifier=\""
                + SamlFixtures.SP + "\" ")), IDP_SIGNS, null)).nameId()).isEqualTo("alice");
    }
}
