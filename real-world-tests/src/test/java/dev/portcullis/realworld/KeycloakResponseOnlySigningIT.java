package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link ResponseOnlySigningTests} against Keycloak 26.7.3. */
@Order(16)
class KeycloakResponseOnlySigningIT extends ResponseOnlySigningTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }
}
