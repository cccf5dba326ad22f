package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.ACS;
import static dev.portcullis.saml.SamlFixtures.IDP_KEY;
import static dev.portcullis.saml.SamlFixtures.NOW;
import static dev.portcullis.saml.SamlFixtures.OTHER_KEY;
import static dev.portcullis.saml.SamlFixtures.REQUEST_ID;
import static dev.portcullis.saml.SamlFixtures.SP;
import static dev.portcullis.saml.SamlFixtures.assertion;
import static dev.portcullis.saml.SamlFixtures.encode;
import static dev.portcullis.saml.SamlFixtures.response;
import static dev.portcullis.saml.SamlFixtures.signedAssertion;
import static dev.portcullis.saml.SamlFixtures.validEncoded;
import static dev.portcullis.saml.SamlFixtures.validator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.saml.ResponseValidator.Diagnosis;
import dev.portcullis.saml.ResponseValidator.Outcome;
import dev.portcullis.saml.ResponseValidator.StepResult;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * The defects an outside review found by replaying other SAML libraries' test responses through the
 * validator (issue 11). Each is shown from both sides: the defective input is refused, or reported
 * precisely, and the same input without the defect is accepted.
 */
class ReviewFindingsTest {

    private static ResponseValidator.Options options(boolean wantAssertionsSigned, boolean wantResponsesSigned) {
        return new ResponseValidator.Options(ACS, SP, wantAssertionsSigned, false, Duration.ofMinutes(2), Duration.ofMinutes(5),
                256 * 1024, false, wantResponsesSigned, List.of(), List.of(), null);
    }

    private static ResponseValidator validatorWith(ResponseValidator.Options options) {
        return validator(options, new SamlFixtures.MemoryReplayCache(), NOW, false, IDP_KEY);
    }

    private static SamlValidationException refusal(ResponseValidator validator, String encoded) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> validator.validate(encoded, REQUEST_ID));
        assertThat(thrown).isInstanceOf(SamlValidationException.class);
        return (SamlValidationException) thrown;
    }

    private static StepResult step(Diagnosis diagnosis, ResponseStep step) {
        return diagnosis.steps().stream().filter(s -> s.step() == step).findFirst().orElseThrow();
    }

    /** wantResponsesSigned: the Response itself must be signed, what other SPs call "want messages signed". */
    @Nested
    class WantResponsesSigned {

        @Test
        void refusesAResponseWhoseOnlySignatureIsTheAssertions() {
            SamlValidationException e = refusal(validatorWith(options(true, true)), validEncoded());
            assertThat(e.code()).isEqualTo(SamlErrorCode.MISSING_SIGNATURE);
            assertThat(e.detail()).contains("the Response is not signed and wantResponsesSigned=true");
        }

        @Test
        void acceptsASignedResponse() throws Exception {
            Document doc = signedAssertion(response());
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            assertThat(validatorWith(options(true, true)).validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void acceptsASignedResponseWithAnUnsignedAssertionWhenOnlyResponsesMustBeSigned() throws Exception {
            Document doc = response().build();
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            assertThat(validatorWith(options(false, true)).validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void isOffByDefault() throws Exception {
            assertThat(validatorWith(options(true, false)).validate(validEncoded(), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }
    }

    /** SPNameQualifier says which SP a NameID was made for (saml-core-2.0-os 2.2.2). */
    @Nested
    class SpNameQualifier {

        private String withSpNameQualifier(String value) {
            return encode(signedAssertion(response(), doc -> Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID")
                    .setAttribute("SPNameQualifier", value)));
        }

        @Test
        void refusesANameIdMadeForAnotherSp() {
            SamlValidationException e = refusal(validator(), withSpNameQualifier("https://other.example.com/sp"));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SUBJECT);
            assertThat(e.detail()).contains("SPNameQualifier [https://other.example.com/sp] expected [" + SP + "]");
        }

        @Test
        void acceptsANameIdMadeForThisSp() throws Exception {
            ValidatedAssertion result = validator().validate(withSpNameQualifier(SP), REQUEST_ID);
            assertThat(result.spNameQualifier()).isEqualTo(SP);
            assertThat(result.nameId()).isEqualTo("alice@example.com");
        }
    }

    /** An Assertion without Conditions has no AudienceRestriction: refused under invalid_audience, saying so. */
    @Nested
    class MissingConditions {

        private String withoutConditions() {
            SamlResponseBuilder builder = response();
            builder.notBefore = null;
            builder.notOnOrAfter = null;
            builder.audiences = new java.util.ArrayList<>();
            return encode(signedAssertion(builder));
        }

        @Test
        void isRefusedWithItsOwnDetailUnderTheAudienceStep() {
            SamlValidationException e = refusal(validator(), withoutConditions());
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_AUDIENCE);
            assertThat(e.detail()).contains("has no Conditions").doesNotContain("Audience [");

            Diagnosis diagnosis = validator().diagnose(ResponseInput.signIn(withoutConditions(), REQUEST_ID));
            assertThat(step(diagnosis, ResponseStep.CONDITIONS).outcome()).isEqualTo(Outcome.PASSED);
            assertThat(step(diagnosis, ResponseStep.AUDIENCE).failure().detail()).contains("has no Conditions");
        }

        @Test
        void conditionsWithoutAnAudienceRestrictionSayThat() {
            SamlResponseBuilder builder = response();
            builder.audiences = new java.util.ArrayList<>();
            SamlValidationException e = refusal(validator(), encode(signedAssertion(builder)));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_AUDIENCE);
            assertThat(e.detail()).contains("Conditions has no AudienceRestriction");
        }

        @Test
        void conditionsNamingThisSpAreAccepted() throws Exception {
            assertThat(validator().validate(validEncoded(), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }
    }

    /** After the Response signature is refused, no later step may claim nothing was signed. */
    @Nested
    class AfterARefusedResponseSignature {

        @Test
        void theAssertionStepSaysTheCoveringSignatureWasRefusedNotThatNothingIsSigned() {
            Document doc = response().build();
            XmlSigning.sign(doc.getDocumentElement(), OTHER_KEY);
            Diagnosis diagnosis = validatorWith(options(false, false)).diagnose(ResponseInput.signIn(encode(doc), REQUEST_ID));

            assertThat(step(diagnosis, ResponseStep.RESPONSE_SIGNATURE).failure().code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE);
            StepResult assertionStep = step(diagnosis, ResponseStep.ASSERTION_SIGNATURE);
            assertThat(assertionStep.failure().detail()).doesNotContain("neither")
                    .contains("the Response signature that would cover it was refused");
            assertThat(assertionStep.untrusted()).isTrue();
        }

        @Test
        void anUnsignedMessageIsStillSaidToBeUnsigned() {
            Diagnosis diagnosis = validatorWith(options(false, false))
                    .diagnose(ResponseInput.signIn(encode(response().build()), REQUEST_ID));
            assertThat(step(diagnosis, ResponseStep.ASSERTION_SIGNATURE).failure().detail())
                    .isEqualTo("neither the Response nor the Assertion is signed");
        }

        @Test
        void aVerifiedResponseSignatureStillCoversAnUnsignedAssertion() throws Exception {
            Document doc = response().build();
            XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
            assertThat(validatorWith(options(false, false)).validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }
    }

    /** With several SubjectConfirmations, each one's failure is reported. */
    @Nested
    class SeveralSubjectConfirmations {

        private String withSecondConfirmation(String recipient, java.time.Instant notOnOrAfter) {
            SamlResponseBuilder builder = response();
            builder.recipient = "https://other.example.com/acs";
            return encode(signedAssertion(builder, doc -> {
                Element subject = Xml.first(doc, SamlConstants.ASSERTION_NS, "Subject");
                Element confirmation = doc.createElementNS(SamlConstants.ASSERTION_NS, "saml:SubjectConfirmation");
                confirmation.setAttribute("Method", SamlConstants.BEARER);
                Element data = doc.createElementNS(SamlConstants.ASSERTION_NS, "saml:SubjectConfirmationData");
                data.setAttribute("Recipient", recipient);
                data.setAttribute("NotOnOrAfter", notOnOrAfter.toString());
                data.setAttribute("InResponseTo", REQUEST_ID);
                confirmation.appendChild(data);
                subject.appendChild(confirmation);
            }));
        }

        @Test
        void reportsEveryConfirmationsFailureUnderTheFirstOnesCode() {
            SamlValidationException e = refusal(validator(), withSecondConfirmation(ACS, NOW.minus(Duration.ofMinutes(10))));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_RECIPIENT);
            assertThat(e.detail()).contains("none of the 2 bearer SubjectConfirmations is valid")
                    .contains("#1 invalid_recipient: Recipient [https://other.example.com/acs]")
                    .contains("#2 assertion_expired: SubjectConfirmationData NotOnOrAfter");
        }

        @Test
        void acceptsWhenOneOfThemIsValid() throws Exception {
            assertThat(validator().validate(withSecondConfirmation(ACS, NOW.plus(Duration.ofMinutes(5))), REQUEST_ID).nameId())
                    .isEqualTo("alice@example.com");
        }
    }

    /** A signature that fails is described in words: what is wrong, and the likely cause. */
    @Nested
    class SignatureFailuresInWords {

        private Document signed() {
            return signedAssertion(response());
        }

        private Element signatureValue(Document doc) {
            return Xml.first(doc, SamlConstants.DSIG_NS, "SignatureValue");
        }

        private void assertWords(String detail, String expected) {
            assertThat(detail).contains(expected).doesNotContain("Exception").doesNotContain("malformed [");
        }

        @Test
        void aChangedSignatureValueSaysTheValueDoesNotVerify() {
            Document doc = signed();
            String value = signatureValue(doc).getTextContent().strip();
            char flipped = value.charAt(10) == 'A' ? 'B' : 'A';
            signatureValue(doc).setTextContent(value.substring(0, 10) + flipped + value.substring(11));
            SamlValidationException e = refusal(validator(), encode(doc));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE);
            assertWords(e.detail(), "signature value does not verify with the IdP's 1 RSA signing key(s) from its metadata,"
                    + " although the content matches its digest");
        }

        @Test
        void aShortenedSignatureValueSaysItHasTheWrongLength() {
            Document doc = signed();
            String value = signatureValue(doc).getTextContent().strip();
            signatureValue(doc).setTextContent(value.substring(0, value.length() - 8));
            SamlValidationException e = refusal(validator(), encode(doc));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE);
            assertWords(e.detail(), "where a signature by the IdP's 2048-bit RSA key has 256");
        }

        @Test
        void aSignatureValueThatIsNotBase64SaysSo() {
            Document doc = signed();
            String value = signatureValue(doc).getTextContent().strip();
            signatureValue(doc).setTextContent(value.substring(0, value.length() - 3) + "A=A");
            SamlValidationException e = refusal(validator(), encode(doc));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE);
            assertWords(e.detail(), "SignatureValue is not base64");
        }

        @Test
        void changedContentSaysTheDigestDoesNotMatch() {
            Document doc = signed();
            Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID").setTextContent("mallory@example.com");
            SamlValidationException e = refusal(validator(), encode(doc));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE);
            assertWords(e.detail(), "content does not match the digest in its signature: the Assertion was changed after the"
                    + " IdP signed it");
        }

        @Test
        void theUntouchedSignatureVerifies() throws Exception {
            assertThat(validator().validate(encode(signed()), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void duringARolloverToALargerKeyTheNewKeysSignatureIsAcceptedWhenTheOldKeyIsListedFirst() throws Exception {
            // A 3072-bit signature does not even fit a 2048-bit key: that key throws, and the next must still be tried.
            TestCredentials larger = TestCredentials.rsa("idp.example.org (3072)", 3072);
            Document doc = response().build();
            XmlSigning.sign(assertion(doc), larger);
            ResponseValidator rollover = validator(SamlFixtures.options(), new SamlFixtures.MemoryReplayCache(), NOW, false,
                    IDP_KEY, larger);
            assertThat(rollover.validate(encode(doc), REQUEST_ID).nameId()).isEqualTo("alice@example.com");

            SamlValidationException e = refusal(validator(), encode(doc));
            assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE);
            assertWords(e.detail(), "has 384 bytes where a signature by the IdP's 2048-bit RSA key has 256");
        }
    }

    /** The ACS and saml-inspect read the same bytes the same way: a UTF-8 byte-order mark before the XML is XML. */
    @Nested
    class ByteOrderMark {

        private String withBom() {
            byte[] xml = Xml.toString(signedAssertion(response())).getBytes(StandardCharsets.UTF_8);
            byte[] bom = new byte[xml.length + 3];
            bom[0] = (byte) 0xEF;
            bom[1] = (byte) 0xBB;
            bom[2] = (byte) 0xBF;
            System.arraycopy(xml, 0, bom, 3, xml.length);
            return Base64.getEncoder().encodeToString(bom);
        }

        @Test
        void aResponseAfterAByteOrderMarkIsXmlToTheSharedDecodeAndIsAccepted() throws Exception {
            byte[] decoded = MessageEnvelope.decodePost(withBom(), "SAMLResponse", 256 * 1024);
            assertThat(MessageEnvelope.looksLikeXml(decoded)).isTrue();
            assertThat(validator().validate(withBom(), REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        }

        @Test
        void deflatedBytesAreNotXml() {
            assertThat(MessageEnvelope.looksLikeXml(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 0x78, 0x3c})).isFalse();
            assertThat(MessageEnvelope.looksLikeXml(new byte[] {(byte) 0xF3, 0x4D, 0x2C})).isFalse();
        }
    }

    /** The steps that lived outside the validator before: metadata expiry, AuthnContext, principal. */
    @Nested
    class StepsThatMovedIntoTheValidator {

        private ResponseValidator with(List<String> requested, List<String> stepUp, String principalAttribute) {
            return validatorWith(new ResponseValidator.Options(ACS, SP, true, false, Duration.ofMinutes(2), Duration.ofMinutes(5),
                    256 * 1024, false, false, requested, stepUp, principalAttribute));
        }

        @Test
        void expiredIdpMetadataRefusesEverySignIn() {
            IdpMetadata expired = new IdpMetadata(SamlFixtures.IDP, List.of(IDP_KEY.certificate()),
                    java.util.Map.of(SamlConstants.REDIRECT_BINDING, "https://idp.example.org/sso"), java.util.Map.of(), false,
                    NOW.minusSeconds(1));
            ResponseValidator validator = new ResponseValidator(SamlFixtures.options(), expired, new AlgorithmPolicy(false), null,
                    new SamlFixtures.MemoryReplayCache(), new SecureXml(), java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
            assertThat(refusal(validator, validEncoded()).code()).isEqualTo(SamlErrorCode.IDP_METADATA_EXPIRED);

            IdpMetadata current = new IdpMetadata(SamlFixtures.IDP, List.of(IDP_KEY.certificate()),
                    java.util.Map.of(SamlConstants.REDIRECT_BINDING, "https://idp.example.org/sso"), java.util.Map.of(), false,
                    NOW.plusSeconds(60));
            ResponseValidator valid = new ResponseValidator(SamlFixtures.options(), current, new AlgorithmPolicy(false), null,
                    new SamlFixtures.MemoryReplayCache(), new SecureXml(), java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
            assertThatNoRefusal(valid);
        }

        private void assertThatNoRefusal(ResponseValidator validator) {
            org.assertj.core.api.Assertions.assertThatCode(() -> validator.validate(validEncoded(), REQUEST_ID)).doesNotThrowAnyException();
        }

        @Test
        void aSignInMustHaveUsedARequestedAuthnContext() {
            SamlValidationException e = refusal(with(List.of("https://refeds.org/profile/mfa"), List.of(), null), validEncoded());
            assertThat(e.code()).isEqualTo(SamlErrorCode.AUTHN_CONTEXT_NOT_SATISFIED);
            assertThatNoRefusal(with(List.of(SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED), List.of(), null));
        }

        @Test
        void aStepUpMustHaveUsedTheStepUpContextAndAnOrdinarySignInNeedNot() throws Exception {
            ResponseValidator validator = with(List.of(), List.of("https://refeds.org/profile/mfa"), null);
            assertThatThrownBy(() -> validator.validate(new ResponseInput(validEncoded(), REQUEST_ID, true)))
                    .isInstanceOfSatisfying(SamlValidationException.class,
                            e -> assertThat(e.code()).isEqualTo(SamlErrorCode.AUTHN_CONTEXT_NOT_SATISFIED));
            assertThat(validator.validate(new ResponseInput(validEncoded(), REQUEST_ID, false)).nameId()).isNotNull();
        }

        @Test
        void thePrincipalAttributeMustBePresent() throws Exception {
            SamlValidationException e = refusal(with(List.of(), List.of(), "uid"), validEncoded());
            assertThat(e.code()).isEqualTo(SamlErrorCode.MISSING_PRINCIPAL);
            assertThat(e.detail()).contains("attribute [uid] is absent or empty; attributes present [roles, mail]");
            assertThat(with(List.of(), List.of(), "mail").validate(validEncoded(), REQUEST_ID).principal())
                    .isEqualTo("alice@example.com");
        }
    }
}
