package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link EmailNameIdTests} against SimpleSAMLphp 1.19 (the Debian package). */
@Order(23)
class SimpleSamlPhpEmailNameIdIT extends EmailNameIdTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }
}
