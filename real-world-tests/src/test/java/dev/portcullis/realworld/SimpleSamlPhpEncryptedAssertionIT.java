package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/**
 * {@link EncryptedAssertionTests} against SimpleSAMLphp 1.19: assertion.encryption in the SP's
 * saml20-sp-remote.php, with the SP's certData as the key, and the algorithms SimpleSAMLphp 1.19 has
 * fixed in code: AES-128-CBC for the assertion, its key wrapped with RSA-OAEP-MGF1P (SHA-1 digest and
 * MGF1 with SHA-1, the defaults, named nowhere in the message).
 */
@Order(22)
class SimpleSamlPhpEncryptedAssertionIT extends EncryptedAssertionTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }

    @Override
    Algorithms expectedAlgorithms() {
        return new Algorithms("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
                null, null);
    }
}
