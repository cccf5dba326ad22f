package dev.portcullis.realworld;

/** {@link ResponseOnlySigningTests} against Keycloak 26.7.3. */
class KeycloakResponseOnlySigningIT extends ResponseOnlySigningTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }
}
