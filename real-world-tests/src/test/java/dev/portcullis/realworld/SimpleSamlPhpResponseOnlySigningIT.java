package dev.portcullis.realworld;

/** {@link ResponseOnlySigningTests} against SimpleSAMLphp 1.19 (the Debian package). */
class SimpleSamlPhpResponseOnlySigningIT extends ResponseOnlySigningTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }
}
