package dev.portcullis.realworld;

/** {@link RealIdpSignInTests} against Keycloak 26.7.3. */
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
