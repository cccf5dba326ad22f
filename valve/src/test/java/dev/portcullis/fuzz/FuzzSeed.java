package dev.portcullis.fuzz;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import dev.portcullis.saml.AlgorithmPolicy;
import dev.portcullis.saml.Decrypter;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.SamlFixtures;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.testkit.TestCredentials;

/**
 * A validly signed SAML Response the fuzzer starts from, with everything its service provider needs
 * to validate it (the settings, the IdP metadata, the instant it is valid at, the AuthnRequest ID it
 * answers) and the identity that validation yields: the only identity any mutant of it may ever be
 * accepted with.
 *
 * @param name             where it comes from, e.g. {@code golden/keycloak-default}
 * @param xml              the Response as XML text (plain, even when {@code encryptAssertion})
 * @param encryptAssertion encrypt the Assertion for the SP after mutating it, as an attacker holding
 *                         only the SP's public key can, so that mutations reach the decrypted Assertion
 * @param genuine          what the unmutated seed validates to; null only while the seed is being built
 */
record FuzzSeed(String name, String xml, boolean encryptAssertion, ResponseValidator.Options options, IdpMetadata idp,
                Instant now, String requestId, ValidatedAssertion genuine) {

    /** Shared by every validator: the parser pool is thread-safe. */
    static final SecureXml SECURE_XML = new SecureXml();
    /** The SP key that encrypted seeds are encrypted for. */
    static final TestCredentials SP_ENCRYPTION_KEY = TestCredentials.rsa("sp-encryption.fuzz.example");
    private static final Decrypter DECRYPTER = new Decrypter(List.of(SP_ENCRYPTION_KEY.privateKey()), false, SECURE_XML,
            256 * 1024);

    /** Settings as the valve would build them; the limits are the valve's defaults. */
    static ResponseValidator.Options options(String acsUrl, String spEntityId, boolean wantAssertionsSigned,
                                             boolean allowUnsolicited) {
        return new ResponseValidator.Options(acsUrl, spEntityId, wantAssertionsSigned, false, Duration.ofMinutes(2),
                Duration.ofMinutes(5), 256 * 1024, allowUnsolicited);
    }

    /** A validator as this seed's SP runs it, with a replay cache of its own so replay protection masks nothing. */
    ResponseValidator validator() {
        return new ResponseValidator(options, idp, new AlgorithmPolicy(false), DECRYPTER, new SamlFixtures.MemoryReplayCache(),
                SECURE_XML, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** Validates a {@code SAMLResponse} field as this seed's SP would. */
    ValidatedAssertion validate(String samlResponse) throws SamlValidationException {
        return validator().validate(samlResponse, requestId);
    }

    FuzzSeed withGenuine(ValidatedAssertion identity) {
        return new FuzzSeed(name, xml, encryptAssertion, options, idp, now, requestId, identity);
    }

    /** What a failure report needs to replay a mutant of this seed outside the fuzzer. */
    String describe() {
        StringBuilder out = new StringBuilder();
        out.append("seed: ").append(name).append('\n')
                .append("validate at: ").append(now).append('\n')
                .append("expected InResponseTo: ").append(requestId).append('\n')
                .append("options: ").append(options).append('\n')
                .append("IdP entityID: ").append(idp.entityId()).append('\n')
                .append("encrypted for the SP after mutating: ").append(encryptAssertion).append('\n')
                .append("genuine identity: ").append(genuine).append('\n');
        for (X509Certificate certificate : idp.signingCertificates()) {
            out.append("IdP signing certificate:\n").append(pem(certificate));
        }
        if (encryptAssertion) {
            out.append("SP decryption key (throwaway, this run only):\n").append(SP_ENCRYPTION_KEY.privateKeyPem());
        }
        return out.toString();
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            return "(unencodable certificate: " + e + ")\n";
        }
    }
}
