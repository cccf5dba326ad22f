package dev.portcullis.realworld;

/** {@link EmailNameIdTests} against SimpleSAMLphp 1.19 (the Debian package). */
class SimpleSamlPhpEmailNameIdIT extends EmailNameIdTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }
}
