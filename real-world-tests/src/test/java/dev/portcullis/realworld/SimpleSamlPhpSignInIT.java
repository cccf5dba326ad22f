package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link RealIdpSignInTests} against SimpleSAMLphp 1.19 (the Debian package). */
@Order(20)
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
