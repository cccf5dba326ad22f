package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link EmailNameIdTests} against Keycloak 26.7.3. */
@Order(15)
class KeycloakEmailNameIdIT extends EmailNameIdTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }
}
