package dev.portcullis.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;

import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * The message every ACS benchmark validates: a Response as a corporate IdP sends it, with an RSA-2048
 * signed Assertion (SHA-256, exclusive c14n, the certificate in KeyInfo), a NameID, one bearer
 * confirmation, one audience, an AuthnStatement and ten attributes (five of them roles) under
 * OID-style names. About 5.8 KB decoded, in line with the ~5.7 KB message the figures used.
 */
public final class Fixtures {

    public static final String IDP = "https://idp.example.org/realms/corp";
    public static final String SP = "https://apps.example.com/sso/metadata";
    public static final String ACS = "https://apps.example.com/sso/acs";

    /** A typical profile: ten attributes, one of them carrying five roles. */
    public static final Map<String, List<String>> ATTRIBUTES = typicalAttributes();

    private Fixtures() {
    }

    private static Map<String, List<String>> typicalAttributes() {
        java.util.LinkedHashMap<String, List<String>> a = new java.util.LinkedHashMap<>();
        a.put("urn:oid:0.9.2342.19200300.100.1.1", List.of("alice.martin"));
        a.put("urn:oid:0.9.2342.19200300.100.1.3", List.of("alice.martin@example.com"));
        a.put("urn:oid:2.5.4.42", List.of("Alice"));
        a.put("urn:oid:2.5.4.4", List.of("Martin"));
        a.put("urn:oid:2.16.840.1.113730.3.1.241", List.of("Alice Martin"));
        a.put("urn:oid:2.5.4.11", List.of("Engineering"));
        a.put("urn:oid:2.5.4.12", List.of("Staff Engineer"));
        a.put("urn:oid:2.16.840.1.113730.3.1.3", List.of("E-104729"));
        a.put("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", List.of("alice.martin@example.com"));
        a.put("roles", List.of("user", "developer", "reviewer", "release-manager", "admin"));
        return java.util.Collections.unmodifiableMap(a);
    }

    /** A builder for a response that the SP above accepts at {@code now}, answering {@code requestId}. */
    public static SamlResponseBuilder response(Instant now, String requestId) {
        SamlResponseBuilder builder = SamlResponseBuilder.valid(now, IDP, SP, ACS, requestId,
                "alice.martin@example.com");
        builder.nameIdFormat = SamlResponseBuilder.NAMEID_EMAIL;
        ATTRIBUTES.forEach((name, values) -> builder.attribute(name, values.toArray(String[]::new)));
        return builder;
    }

    /** The signed response, serialized: the bytes the IdP's form posts, before base64. */
    public static byte[] signedBytes(TestCredentials idpKey, Instant now, String requestId) {
        Document doc = response(now, requestId).build();
        XmlSigning.sign(Xml.first(doc, SamlResponseBuilder.ASSERTION_NS, "Assertion"), idpKey);
        return Xml.toString(doc).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code count} distinct signed responses (each with its own Response and Assertion ID), base64 as
     * the SAMLResponse form field carries them.
     */
    public static List<String> signedResponses(TestCredentials idpKey, Instant now, String requestId, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Base64.getEncoder().encodeToString(signedBytes(idpKey, now, requestId)));
        }
        return out;
    }

    /**
     * The validator as SsoEngine builds it with the default settings (assertions signed, not required to be
     * encrypted, no SP decryption key, clock skew 2 min, max response age 5 min, 256 KB, no unsolicited
     * responses). The one place the benchmarks follow the validator's constructor.
     */
    public static dev.portcullis.saml.ResponseValidator validator(TestCredentials idpKey,
            dev.portcullis.saml.ReplayCache replay, java.time.Clock clock) {
        dev.portcullis.saml.IdpMetadata idp = new dev.portcullis.saml.IdpMetadata(IDP, List.of(idpKey.certificate()),
                Map.of(dev.portcullis.saml.SamlConstants.REDIRECT_BINDING, "https://idp.example.org/sso"), Map.of(),
                false, null);
        return new dev.portcullis.saml.ResponseValidator(new dev.portcullis.saml.ResponseValidator.Options(ACS, SP,
                true, false, java.time.Duration.ofMinutes(2), java.time.Duration.ofMinutes(5), 256 * 1024, false), idp,
                new dev.portcullis.saml.AlgorithmPolicy(false), null, replay, new dev.portcullis.saml.SecureXml(), clock);
    }

    /** IdP metadata naming this IdP and its signing key, as an operator would save it to a file. */
    public static String idpMetadata(TestCredentials idpKey, String ssoUrl) {
        return Xml.toString(new IdpMetadataWriter(IDP).signingCertificate(idpKey)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, ssoUrl).toDocument());
    }
}
