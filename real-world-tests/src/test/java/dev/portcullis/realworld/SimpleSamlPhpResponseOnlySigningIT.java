package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link ResponseOnlySigningTests} against SimpleSAMLphp 1.19 (the Debian package). */
@Order(24)
class SimpleSamlPhpResponseOnlySigningIT extends ResponseOnlySigningTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }
}
