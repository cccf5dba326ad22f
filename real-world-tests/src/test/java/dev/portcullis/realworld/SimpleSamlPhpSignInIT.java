package dev.portcullis.realworld;

/** {@link RealIdpSignInTests} against SimpleSAMLphp 1.19 (the Debian package). */
class SimpleSamlPhpSignInIT extends RealIdpSignInTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }

    @Override
    String ssoPath() {
        return "/saml2/idp/SSOService.php";
    }
}
