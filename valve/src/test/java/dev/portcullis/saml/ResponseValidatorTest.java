package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.ACS;
import static dev.portcullis.saml.SamlFixtures.IDP;
import static dev.portcullis.saml.SamlFixtures.IDP_EC_KEY;
import static dev.portcullis.saml.SamlFixtures.IDP_KEY;
import static dev.portcullis.saml.SamlFixtures.NOW;
import static dev.portcullis.saml.SamlFixtures.OTHER_KEY;
import static dev.portcullis.saml.SamlFixtures.REQUEST_ID;
import static dev.portcullis.saml.SamlFixtures.SP;
import static dev.portcullis.saml.SamlFixtures.assertion;
import static dev.portcullis.saml.SamlFixtures.encode;
import static dev.portcullis.saml.SamlFixtures.options;
import static dev.portcullis.saml.SamlFixtures.response;
import static dev.portcullis.saml.SamlFixtures.signedAssertion;
import static dev.portcullis.saml.SamlFixtures.validEncoded;
import static dev.portcullis.saml.SamlFixtures.validator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * One test per validation step: a valid response is accepted, and changing exactly one thing in it
 * is refused with that step's error code. The error code is asserted, never the message text.
 */
class ResponseValidatorTest {

    private static ValidatedAssertion accept(String encoded) throws SamlValidationException {
        return validator().validate(encoded, REQUEST_ID);
    }

    private static void refused(String encoded, SamlErrorCode code) {
        refused(validator(), encoded, REQUEST_ID, code);
    }

    static void refused(ResponseValidator validator, String encoded, String requestId, SamlErrorCode code) {
        assertThatThrownBy(() -> validator.validate(encoded, requestId))
                .isInstanceOf(SamlValidationException.class)
                .satisfies(e -> assertThat(((SamlValidationException) e).code()).isEqualTo(code));
    }

    private static String withResponse(Consumer<SamlResponseBuilder> change) {
        SamlResponseBuilder builder = response();
        change.accept(builder);
        return encode(signedAssertion(builder));
    }

    @Test
    void acceptsAValidResponseWithASignedAssertion() throws Exception {
        ValidatedAssertion result = accept(validEncoded());

        assertThat(result.issuer()).isEqualTo(IDP);
        assertThat(result.nameId()).isEqualTo("alice@example.com");
        assertThat(result.inResponseTo()).isEqualTo(REQUEST_ID);
        assertThat(result.attributes()).containsEntry("roles", List.of("user", "admin"))
                .containsEntry("mail", List.of("alice@example.com"));
        assertThat(result.sessionIndex()).isNotBlank();
        assertThat(result.authnContextClassRef()).isEqualTo(SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED);
        assertThat(result.authnInstant()).isEqualTo(NOW);
    }

    @Nested
    class Message {

        @Test
        void refusesAMissingResponse() {
            refused(null, SamlErrorCode.MISSING_RESPONSE);
            refused("  ", SamlErrorCode.MISSING_RESPONSE);
        }

        @Test
        void refusesAFieldLargerThanTheLimitBeforeDecodingIt() {
            refused("A".repeat(2 * 256 * 1024 + 4), SamlErrorCode.RESPONSE_TOO_LARGE);
        }

        @Test
        void refusesADecodedMessageLargerThanTheLimit() {
            SamlResponseBuilder builder = response();
            builder.attribute("padding", "x".repeat(300 * 1024));
            refused(encode(signedAssertion(builder)), SamlErrorCode.RESPONSE_TOO_LARGE);
        }

        @Test
        void acceptsBase64WrappedOverSeveralLines() throws Exception {
            String wrapped = validEncoded().replaceAll("(.{76})", "$1\r\n");
            assertThat(accept(wrapped).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void refusesTextThatIsNotBase64() {
            refused("PHNhbWxwOlJlc3BvbnNl*==", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        }

        @Test
        void refusesBase64ThatIsNotXml() {
            refused(Xml.base64("hello, world"), SamlErrorCode.MALFORMED_RESPONSE_DATA);
        }

        @Test
        void refusesAnotherRootElement() {
            refused(Xml.base64("<samlp:AuthnRequest xmlns:samlp=\"" + SamlConstants.PROTOCOL_NS + "\" ID=\"_x\" Version=\"2.0\"/>"),
                    SamlErrorCode.MALFORMED_RESPONSE_DATA);
        }

        @Test
        void refusesAResponseOfAnotherVersion() {
            refused(encode(signedAssertion(response(), doc -> doc.getDocumentElement().setAttribute("Version", "1.1"))),
                    SamlErrorCode.MALFORMED_RESPONSE_DATA);
        }
    }

    @Nested
    class Assertions {

        @Test
        void refusesAResponseWithoutAssertion() {
            SamlResponseBuilder builder = response();
            builder.includeAssertion = false;
            refused(encode(builder.build()), SamlErrorCode.INVALID_ASSERTION_COUNT);
        }

        @Test
        void refusesTwoAssertionsEvenWhenBothAreSigned() {
            Document doc = signedAssertion(response());
            SamlResponseBuilder second = response();
            second.nameId = "mallory@example.com";
            Document other = signedAssertion(second);
            doc.getDocumentElement().appendChild(doc.importNode(assertion(other), true));
            refused(encode(doc), SamlErrorCode.INVALID_ASSERTION_COUNT);
        }

        @Test
        void refusesAnAssertionBesideAnEncryptedOne() {
            Document doc = signedAssertion(response());
            Element encrypted = doc.createElementNS(SamlConstants.ASSERTION_NS, "saml:EncryptedAssertion");
            doc.getDocumentElement().appendChild(encrypted);
            refused(encode(doc), SamlErrorCode.INVALID_ASSERTION_COUNT);
        }

        @Test
        void reportsTheIdpStatusWhenAnErrorResponseHasNoAssertion() {
            SamlResponseBuilder builder = response();
            builder.includeAssertion = false;
            builder.statusCode = "urn:oasis:names:tc:SAML:2.0:status:Responder";
            builder.statusSecondLevelCode = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";
            refused(encode(builder.build()), SamlErrorCode.STATUS_NOT_SUCCESS);
        }
    }

    @Nested
    class Signatures {

        @Test
        void refusesAResponseWhereNothingIsSigned() {
            refused(encode(response().build()), SamlErrorCode.MISSING_SIGNATURE);
        }

        @Test
        void refusesASignedResponseWithAnUnsignedAssertionByDefault() {
            Document doc = response().build();
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            refused(encode(doc), SamlErrorCode.MISSING_SIGNATURE);
        }

        @Test
        void acceptsASignedResponseWithAnUnsignedAssertionWhenAssertionSignaturesAreNotRequired() throws Exception {
            Document doc = response().build();
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            ResponseValidator.Options relaxed = new ResponseValidator.Options(ACS, SP, false, false, Duration.ofMinutes(2),
                    Duration.ofMinutes(5), 256 * 1024, false);
            ResponseValidator validator = validator(relaxed, new SamlFixtures.MemoryReplayCache(), NOW, false, IDP_KEY);

            assertThat(validator.validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void acceptsBothSigned() throws Exception {
            Document doc = signedAssertion(response());
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            assertThat(accept(encode(doc)).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void refusesAnAssertionSignedWithAnotherKey() {
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), OTHER_KEY);
            refused(encode(doc), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void refusesAnAttributeChangedAfterSigning() {
            Document doc = signedAssertion(response());
            Element value = (Element) assertion(doc).getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "AttributeValue").item(0);
            value.setTextContent("superuser");
            refused(encode(doc), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void refusesAResponseSignatureThatDoesNotCoverAChangedDestination() {
            Document doc = signedAssertion(response());
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            doc.getDocumentElement().setAttribute("Destination", "https://evil.example.net/acs");
            refused(encode(doc), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void acceptsTheSecondKeyOfAKeyRollover() throws Exception {
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), OTHER_KEY);
            ResponseValidator rollover = validator(options(), new SamlFixtures.MemoryReplayCache(), NOW, false, IDP_KEY, OTHER_KEY);
            assertThat(rollover.validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void acceptsEcdsaWhenTheIdpKeyIsEc() throws Exception {
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), IDP_EC_KEY);
            ResponseValidator ec = validator(options(), new SamlFixtures.MemoryReplayCache(), NOW, false, IDP_EC_KEY);
            assertThat(ec.validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void refusesSha1ByDefaultAndAcceptsItWhenAllowed() throws Exception {
            XmlSigning.Options sha1 = new XmlSigning.Options();
            sha1.signatureAlgorithm = XmlSigning.RSA_SHA1;
            sha1.digestAlgorithm = XmlSigning.SHA1;
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), IDP_KEY, sha1);
            String encoded = encode(doc);

            refused(encoded, SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
            ResponseValidator allowing = validator(options(), new SamlFixtures.MemoryReplayCache(), NOW, true, IDP_KEY);
            assertThat(allowing.validate(encoded, REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void acceptsRsaPss() throws Exception {
            XmlSigning.Options pss = new XmlSigning.Options();
            pss.signatureAlgorithm = AlgorithmPolicy.RSA_PSS_SHA256;
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), IDP_KEY, pss);
            assertThat(accept(encode(doc)).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void refusesASha1DigestUnderAStrongSignatureByDefault() {
            XmlSigning.Options sha1Digest = new XmlSigning.Options();
            sha1Digest.digestAlgorithm = XmlSigning.SHA1;
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), IDP_KEY, sha1Digest);
            refused(encode(doc), SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
        }
    }

    @Nested
    class ResponseFields {

        @Test
        void refusesAnotherDestination() {
            refused(withResponse(b -> b.destination = "https://apps.example.com/other/acs"), SamlErrorCode.INVALID_DESTINATION);
        }

        @Test
        void acceptsAnUnsignedResponseWithoutDestination() throws Exception {
            assertThat(accept(withResponse(b -> b.destination = null)).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void refusesASignedResponseWithoutDestination() {
            SamlResponseBuilder builder = response();
            builder.destination = null;
            Document doc = signedAssertion(builder);
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            refused(encode(doc), SamlErrorCode.INVALID_DESTINATION);
        }

        @Test
        void refusesAnAnswerToAnotherRequest() {
            refused(withResponse(b -> b.inResponseTo = "_another"), SamlErrorCode.INVALID_IN_RESPONSE_TO);
        }

        @Test
        void refusesAnUnsolicitedResponseByDefault() {
            String unsolicited = withResponse(b -> {
                b.inResponseTo = null;
                b.subjectInResponseTo = null;
            });
            refused(validator(), unsolicited, null, SamlErrorCode.UNSOLICITED_RESPONSE);
        }

        @Test
        void acceptsAnUnsolicitedResponseWhenEnabled() throws Exception {
            String unsolicited = withResponse(b -> {
                b.inResponseTo = null;
                b.subjectInResponseTo = null;
            });
            assertThat(unsolicitedValidator().validate(unsolicited, null).inResponseTo()).isNull();
        }

        @Test
        void refusesAResponseToAnUnknownRequestEvenWhenUnsolicitedIsEnabled() {
            refused(unsolicitedValidator(), validEncoded(), null, SamlErrorCode.INVALID_IN_RESPONSE_TO);
        }

        private ResponseValidator unsolicitedValidator() {
            ResponseValidator.Options unsolicited = new ResponseValidator.Options(ACS, SP, true, false, Duration.ofMinutes(2),
                    Duration.ofMinutes(5), 256 * 1024, true);
            return validator(unsolicited, new SamlFixtures.MemoryReplayCache(), NOW, false, IDP_KEY);
        }

        @Test
        void refusesAnIssueInstantBeyondTheSkewInTheFuture() {
            refused(withResponse(b -> b.issueInstant = NOW.plus(Duration.ofMinutes(3))), SamlErrorCode.INVALID_ISSUE_INSTANT);
        }

        @Test
        void acceptsAnIssueInstantWithinTheSkew() throws Exception {
            assertThat(accept(withResponse(b -> b.issueInstant = NOW.plus(Duration.ofSeconds(90)))).nameId()).isNotNull();
        }

        @Test
        void refusesAResponseOlderThanTheMaximumAge() {
            refused(withResponse(b -> b.issueInstant = NOW.minus(Duration.ofMinutes(8))), SamlErrorCode.INVALID_ISSUE_INSTANT);
        }

        @Test
        void refusesAResponseWithoutIssueInstant() {
            refused(withResponse(b -> b.issueInstant = null), SamlErrorCode.MALFORMED_RESPONSE_DATA);
        }

        @Test
        void refusesAnotherResponseIssuer() {
            refused(withResponse(b -> b.responseIssuer = "https://evil.example.net"), SamlErrorCode.INVALID_ISSUER);
        }

        @Test
        void acceptsAResponseWithoutIssuer() throws Exception {
            assertThat(accept(withResponse(b -> b.responseIssuer = null)).issuer()).isEqualTo(IDP);
        }

        @Test
        void refusesAFailureStatus() {
            refused(withResponse(b -> b.statusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester"),
                    SamlErrorCode.STATUS_NOT_SUCCESS);
        }
    }

    @Nested
    class AssertionFields {

        @Test
        void refusesAnotherAssertionIssuer() {
            refused(withResponse(b -> b.assertionIssuer = "https://evil.example.net"), SamlErrorCode.INVALID_ISSUER);
        }

        @Test
        void refusesAnAssertionWithoutNameId() {
            refused(withResponse(b -> b.nameId = null), SamlErrorCode.INVALID_SUBJECT);
        }

        @Test
        void refusesABlankNameId() {
            refused(withResponse(b -> b.nameId = "   "), SamlErrorCode.INVALID_SUBJECT);
        }

        @Test
        void refusesAConfirmationThatIsNotBearer() {
            refused(withResponse(b -> b.subjectConfirmationMethod = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"),
                    SamlErrorCode.INVALID_SUBJECT_CONFIRMATION);
        }

        @Test
        void refusesAnotherRecipient() {
            refused(withResponse(b -> b.recipient = "https://other.example.com/sso/acs"), SamlErrorCode.INVALID_RECIPIENT);
        }

        @Test
        void refusesAConfirmationWithoutNotOnOrAfter() {
            refused(withResponse(b -> b.subjectNotOnOrAfter = null), SamlErrorCode.INVALID_SUBJECT_CONFIRMATION);
        }

        @Test
        void refusesAnExpiredConfirmation() {
            refused(withResponse(b -> b.subjectNotOnOrAfter = NOW.minus(Duration.ofMinutes(3))), SamlErrorCode.ASSERTION_EXPIRED);
        }

        @Test
        void acceptsAConfirmationExpiredWithinTheSkew() throws Exception {
            assertThat(accept(withResponse(b -> b.subjectNotOnOrAfter = NOW.minus(Duration.ofSeconds(60)))).nameId()).isNotNull();
        }

        @Test
        void refusesAConfirmationForAnotherRequest() {
            refused(withResponse(b -> b.subjectInResponseTo = "_another"), SamlErrorCode.INVALID_IN_RESPONSE_TO);
        }

        @Test
        void refusesAnAssertionNotYetValid() {
            refused(withResponse(b -> b.notBefore = NOW.plus(Duration.ofMinutes(3))), SamlErrorCode.ASSERTION_NOT_YET_VALID);
        }

        @Test
        void acceptsNotBeforeWithinTheSkew() throws Exception {
            assertThat(accept(withResponse(b -> b.notBefore = NOW.plus(Duration.ofSeconds(90)))).nameId()).isNotNull();
        }

        @Test
        void refusesAnExpiredAssertion() {
            refused(withResponse(b -> b.notOnOrAfter = NOW.minus(Duration.ofMinutes(3))), SamlErrorCode.ASSERTION_EXPIRED);
        }

        @Test
        void refusesAnAssertionForAnotherAudience() {
            refused(withResponse(b -> b.audiences = new java.util.ArrayList<>(List.of("https://other.example.com/sp"))),
                    SamlErrorCode.INVALID_AUDIENCE);
        }

        @Test
        void refusesAnAssertionWithoutAudienceRestriction() {
            refused(withResponse(b -> b.audiences = new java.util.ArrayList<>()), SamlErrorCode.INVALID_AUDIENCE);
        }

        @Test
        void refusesWhenOneOfTwoAudienceRestrictionsLeavesThisSpOut() {
            refused(encode(signedAssertion(response(), doc -> {
                Element conditions = Xml.first(doc, SamlConstants.ASSERTION_NS, "Conditions");
                Element restriction = doc.createElementNS(SamlConstants.ASSERTION_NS, "saml:AudienceRestriction");
                Element audience = doc.createElementNS(SamlConstants.ASSERTION_NS, "saml:Audience");
                audience.setTextContent("https://other.example.com/sp");
                restriction.appendChild(audience);
                conditions.appendChild(restriction);
            })), SamlErrorCode.INVALID_AUDIENCE);
        }

        @Test
        void acceptsSeveralAudiencesIncludingThisSp() throws Exception {
            assertThat(accept(withResponse(b -> b.audiences.add(0, "https://other.example.com/sp"))).nameId()).isNotNull();
        }

        @Test
        void refusesAnAssertionWithoutAuthnStatement() {
            refused(withResponse(b -> b.includeAuthnStatement = false), SamlErrorCode.MISSING_AUTHN_STATEMENT);
        }

        @Test
        void refusesASessionNotOnOrAfterThatHasPassed() {
            refused(withResponse(b -> b.sessionNotOnOrAfter = NOW.minus(Duration.ofMinutes(5))),
                    SamlErrorCode.SESSION_NOT_ON_OR_AFTER_PASSED);
        }

        @Test
        void reportsSessionNotOnOrAfter() throws Exception {
            Instant end = NOW.plus(Duration.ofHours(1));
            assertThat(accept(withResponse(b -> b.sessionNotOnOrAfter = end)).sessionNotOnOrAfter()).isEqualTo(end);
        }
    }

    @Nested
    class Replay {

        @Test
        void refusesTheSameAssertionTwice() throws Exception {
            ResponseValidator validator = validator();
            String encoded = validEncoded();
            assertThat(validator.validate(encoded, REQUEST_ID).nameId()).isEqualTo("alice@example.com");

            refused(validator, encoded, REQUEST_ID, SamlErrorCode.REPLAYED_ASSERTION);
        }

        @Test
        void keepsTheAssertionUntilItCouldNoLongerBeAcceptedPlusTheSkew() throws Exception {
            SamlFixtures.MemoryReplayCache replay = new SamlFixtures.MemoryReplayCache();
            ResponseValidator validator = validator(options(), replay, NOW, false, IDP_KEY);
            validator.validate(validEncoded(), REQUEST_ID);

            // bearer NotOnOrAfter and Conditions NotOnOrAfter are both NOW + 5 min in the fixture
            assertThat(replay.entries.values()).containsExactly(NOW.plus(Duration.ofMinutes(7)));
        }

        @Test
        void doesNotRecordARefusedAssertion() {
            SamlFixtures.MemoryReplayCache replay = new SamlFixtures.MemoryReplayCache();
            ResponseValidator validator = validator(options(), replay, NOW, false, IDP_KEY);
            refused(validator, withResponse(b -> b.audiences = new java.util.ArrayList<>(List.of("x"))), REQUEST_ID,
                    SamlErrorCode.INVALID_AUDIENCE);
            assertThat(replay.entries).isEmpty();
        }
    }
}
