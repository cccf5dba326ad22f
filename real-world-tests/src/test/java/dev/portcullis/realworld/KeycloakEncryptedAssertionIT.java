package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/**
 * {@link EncryptedAssertionTests} against Keycloak 26.7.3: client attributes saml.encrypt and
 * saml.encryption.certificate, and Keycloak's default algorithms (saml.encryption.algorithm and the
 * others left unset): AES-256-GCM for the assertion, its key wrapped with RSA-OAEP (XML Encryption 1.1)
 * using SHA-256 and MGF1 with SHA-256.
 */
@Order(13)
class KeycloakEncryptedAssertionIT extends EncryptedAssertionTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }

    @Override
    Algorithms expectedAlgorithms() {
        return new Algorithms("http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#rsa-oaep",
                "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2009/xmlenc11#mgf1sha256");
    }
}
