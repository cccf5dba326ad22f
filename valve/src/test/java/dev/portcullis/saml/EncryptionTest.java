package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.ACS;
import static dev.portcullis.saml.SamlFixtures.IDP_KEY;
import static dev.portcullis.saml.SamlFixtures.NOW;
import static dev.portcullis.saml.SamlFixtures.OTHER_KEY;
import static dev.portcullis.saml.SamlFixtures.REQUEST_ID;
import static dev.portcullis.saml.SamlFixtures.SP;
import static dev.portcullis.saml.SamlFixtures.SP_KEY;
import static dev.portcullis.saml.SamlFixtures.SP_OLD_KEY;
import static dev.portcullis.saml.SamlFixtures.assertion;
import static dev.portcullis.saml.SamlFixtures.encode;
import static dev.portcullis.saml.SamlFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlEncryption;
import dev.portcullis.testkit.XmlSigning;

/**
 * Encrypted assertions, NameIDs and attributes: what is accepted, and that nothing is trusted from a
 * decrypted assertion unless a signature covers it. Each refusal is paired with the accepted case.
 */
class EncryptionTest {

    private static ResponseValidator validator(boolean wantSigned, boolean wantEncrypted, boolean allowRsa15) {
        return new ResponseValidator(new ResponseValidator.Options(ACS, SP, wantSigned, wantEncrypted, Duration.ofMinutes(2),
                Duration.ofMinutes(5), 256 * 1024, false), SamlFixtures.idp(IDP_KEY), new AlgorithmPolicy(false),
                new Decrypter(List.of(SP_KEY.privateKey(), SP_OLD_KEY.privateKey()), allowRsa15, new SecureXml(), 256 * 1024),
                new SamlFixtures.MemoryReplayCache(), new SecureXml(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ResponseValidator validator() {
        return validator(true, false, false);
    }

    /** Signs the assertion, then encrypts it for {@code recipient}. */
    private static Document signedThenEncrypted(TestCredentials recipient, String data, String keyTransport) {
        Document doc = SamlFixtures.signedAssertion(response());
        XmlEncryption.encrypt(assertion(doc), "EncryptedAssertion", recipient.certificate(), data, keyTransport);
        return doc;
    }

    private static void refused(ResponseValidator validator, Document doc, SamlErrorCode code) {
        ResponseValidatorTest.refused(validator, encode(doc), REQUEST_ID, code);
    }

    private static void accepted(ResponseValidator validator, Document doc) throws SamlValidationException {
        ValidatedAssertion result = validator.validate(encode(doc), REQUEST_ID);
        assertThat(result.nameId()).isEqualTo("alice@example.com");
        assertThat(result.attributes()).containsKey("roles");
    }

    @Test
    void decryptsAesGcmWithRsaOaep() throws Exception {
        Document doc = signedThenEncrypted(SP_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP);
        assertThat(Xml.toString(doc)).doesNotContain("alice@example.com");
        accepted(validator(), doc);
    }

    @Test
    void decryptsAesCbcAndXmlenc11Oaep() throws Exception {
        accepted(validator(), signedThenEncrypted(SP_KEY, XmlEncryption.AES128_CBC, XmlEncryption.RSA_OAEP_11));
    }

    @Test
    void decryptsWithThePreviousKeyDuringARollover() throws Exception {
        accepted(validator(), signedThenEncrypted(SP_OLD_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP));
    }

    @Test
    void refusesAnAssertionEncryptedForSomeoneElse() {
        refused(validator(), signedThenEncrypted(OTHER_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP),
                SamlErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void refusesAnEncryptedAssertionThatNoSignatureCovers() throws Exception {
        // Encryption is not authentication: anyone can encrypt for the SP's public key.
        Document unsigned = response().build();
        XmlEncryption.encrypt(assertion(unsigned), "EncryptedAssertion", SP_KEY.certificate());
        refused(validator(false, false, false), unsigned, SamlErrorCode.MISSING_SIGNATURE);

        accepted(validator(false, false, false), signedThenEncrypted(SP_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP));
    }

    @Test
    void acceptsAnUnsignedEncryptedAssertionInsideASignedResponseWhenAssertionSignaturesAreNotRequired() throws Exception {
        Document doc = response().build();
        XmlEncryption.encrypt(assertion(doc), "EncryptedAssertion", SP_KEY.certificate());
        XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);

        accepted(validator(false, false, false), doc);
        refused(validator(true, false, false), doc, SamlErrorCode.MISSING_SIGNATURE);
    }

    @Test
    void refusesRsa15KeyTransportUnlessAllowed() throws Exception {
        Document doc = signedThenEncrypted(SP_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_1_5);
        refused(validator(), doc, SamlErrorCode.UNSUPPORTED_ENCRYPTION_ALGORITHM);
        accepted(validator(true, false, true), doc);
    }

    @Test
    void refusesTripleDes() {
        refused(validator(), signedThenEncrypted(SP_KEY, XmlEncryption.TRIPLEDES, XmlEncryption.RSA_OAEP),
                SamlErrorCode.UNSUPPORTED_ENCRYPTION_ALGORITHM);
    }

    @Test
    void refusesACipherReferenceInsteadOfInlineCiphertext() {
        Document doc = signedThenEncrypted(SP_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP);
        Element data = Xml.first(doc, SamlConstants.XENC_NS, "EncryptedData");
        Element cipherData = Dom.children(data, SamlConstants.XENC_NS, "CipherData").get(0);
        cipherData.removeChild(Dom.children(cipherData, SamlConstants.XENC_NS, "CipherValue").get(0));
        Element reference = doc.createElementNS(SamlConstants.XENC_NS, "xenc:CipherReference");
        reference.setAttribute("URI", "http://attacker.example.net/ciphertext");
        cipherData.appendChild(reference);
        refused(validator(), doc, SamlErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void refusesAlteredCiphertextWithTheSameAnswerForGcmAndCbc() {
        // Byte 0 is in the IV: GCM's tag then fails, and CBC yields a first plaintext block that is no longer
        // "<saml:Assertion". (CBC changes elsewhere may land in unsigned parts such as KeyInfo and be harmless:
        // everything Portcullis reads is covered by a verified signature.)
        for (String algorithm : new String[] {XmlEncryption.AES256_GCM, XmlEncryption.AES256_CBC}) {
            Document doc = signedThenEncrypted(SP_KEY, algorithm, XmlEncryption.RSA_OAEP);
            Element data = Xml.first(doc, SamlConstants.XENC_NS, "EncryptedData");
            Element value = Xml.first(Dom.children(data, SamlConstants.XENC_NS, "CipherData").get(0), SamlConstants.XENC_NS, "CipherValue");
            byte[] bytes = java.util.Base64.getMimeDecoder().decode(value.getTextContent());
            bytes[0] ^= 0x01;
            value.setTextContent(java.util.Base64.getEncoder().encodeToString(bytes));
            refused(validator(), doc, SamlErrorCode.DECRYPTION_FAILED);
        }
    }

    @Test
    void wantAssertionsEncryptedRefusesPlainTextAndAcceptsCiphertext() throws Exception {
        refused(validator(true, true, false), SamlFixtures.signedAssertion(response()), SamlErrorCode.ASSERTION_NOT_ENCRYPTED);
        accepted(validator(true, true, false), signedThenEncrypted(SP_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP));
    }

    @Test
    void refusesAPlainEvilAssertionBesideAnEncryptedGenuineOne() {
        Document doc = signedThenEncrypted(SP_KEY, XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP);
        SamlResponseBuilder evil = response();
        evil.nameId = "admin@example.com";
        doc.getDocumentElement().appendChild(evil.buildAssertion(doc));
        refused(validator(), doc, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void decryptsAnEncryptedNameIdAndAnEncryptedAttributeInsideASignedAssertion() throws Exception {
        Document doc = response().build();
        Element nameId = Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID");
        XmlEncryption.encrypt(nameId, "EncryptedID", SP_KEY.certificate());
        Element attribute = Xml.first(doc, SamlConstants.ASSERTION_NS, "Attribute");
        XmlEncryption.encrypt(attribute, "EncryptedAttribute", SP_KEY.certificate());
        XmlSigning.sign(assertion(doc), IDP_KEY);

        ValidatedAssertion result = validator().validate(encode(doc), REQUEST_ID);

        assertThat(result.nameId()).isEqualTo("alice@example.com");
        assertThat(result.attributes()).containsEntry("roles", List.of("user", "admin"))
                .containsEntry("mail", List.of("alice@example.com"));
    }

    @Test
    void refusesAnEncryptedIdThatDecryptsToSomethingElse() {
        Document doc = response().build();
        Element issuer = (Element) Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion").getFirstChild();
        Element subject = Xml.first(doc, SamlConstants.ASSERTION_NS, "Subject");
        Element nameId = Xml.first(subject, SamlConstants.ASSERTION_NS, "NameID");
        Element fake = (Element) issuer.cloneNode(true);
        subject.replaceChild(fake, nameId);
        XmlEncryption.encrypt(fake, "EncryptedID", SP_KEY.certificate());
        XmlSigning.sign(assertion(doc), IDP_KEY);
        refused(validator(), doc, SamlErrorCode.DECRYPTION_FAILED);
    }
}
