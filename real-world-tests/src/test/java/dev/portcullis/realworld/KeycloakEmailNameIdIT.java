package dev.portcullis.realworld;

/** {@link EmailNameIdTests} against Keycloak 26.7.3. */
class KeycloakEmailNameIdIT extends EmailNameIdTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }
}
