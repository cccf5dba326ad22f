package dev.portcullis.devidp;

import java.time.Duration;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlEncryption;
import dev.portcullis.testkit.XmlSigning;

/**
 * Builds the signed {@code <samlp:Response>} for a user who signed in, with the test kit's builder and
 * signer: the NameID and SessionIndex of the user's IdP session at this SP, the user's attributes,
 * InResponseTo the AuthnRequest's ID (none for an IdP-initiated login), validity from "now" for the
 * configured lifetime, signatures as the {@link SigningMode} says, and the assertion encrypted for the
 * SP when configured. Thread-safe.
 */
final class ResponseIssuer {

    private final String idpEntityId;
    private final String spEntityId;
    private final String acsUrl;
    private final TestCredentials credentials;
    private final SigningMode signingMode;
    private final Duration lifetime;
    private final X509Certificate encryptFor;

    ResponseIssuer(String idpEntityId, DevIdpConfig config) {
        this.idpEntityId = idpEntityId;
        this.spEntityId = config.spEntityId();
        this.acsUrl = config.acsUrl();
        this.credentials = config.credentials();
        this.signingMode = config.signingMode();
        this.lifetime = config.assertionLifetime();
        this.encryptFor = config.encryptAssertions() ? config.spCertificate().orElseThrow() : null;
    }

    /**
     * @param inResponseTo the AuthnRequest's ID, or null for an unsolicited response
     * @param sp           what the IdP session asserts to this SP: NameID and SessionIndex
     * @param now          read once by the caller, so every timestamp in the message agrees
     * @return the Response as base64 of its XML, ready for the SAMLResponse form field
     */
    String issue(DevUser user, String inResponseTo, SpSession sp, Instant now) {
        SamlResponseBuilder builder = SamlResponseBuilder.valid(now, idpEntityId, spEntityId, acsUrl, inResponseTo,
                sp.nameId());
        builder.nameIdFormat = sp.nameIdFormat();
        builder.sessionIndex = sp.sessionIndex();
        builder.subjectNotOnOrAfter = builder.issueInstant.plus(lifetime);
        builder.notOnOrAfter = builder.issueInstant.plus(lifetime);
        for (Map.Entry<String, List<String>> attribute : user.attributes().entrySet()) {
            builder.attribute(attribute.getKey(), attribute.getValue().toArray(String[]::new));
        }
        Document response = builder.build();
        // The assertion first: a Response signature must cover the assertion's finished signature,
        // and an encrypted assertion carries its signature inside.
        Element assertion = Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "Assertion");
        if (signingMode.signsAssertion()) {
            XmlSigning.sign(assertion, credentials);
        }
        if (encryptFor != null) {
            XmlEncryption.encrypt(assertion, "EncryptedAssertion", encryptFor);
        }
        if (signingMode.signsResponse()) {
            XmlSigning.sign(response.getDocumentElement(), credentials);
        }
        return Xml.base64(response);
    }
}
