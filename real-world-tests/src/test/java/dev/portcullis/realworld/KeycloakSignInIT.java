package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link RealIdpSignInTests} against Keycloak 26.7.3. */
@Order(10)
class KeycloakSignInIT extends RealIdpSignInTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }

    @Override
    String ssoPath() {
        return "/realms/portcullis/protocol/saml";
    }
}
