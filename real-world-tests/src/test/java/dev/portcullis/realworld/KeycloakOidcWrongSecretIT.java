package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * A wrong {@code oidcClientSecret}: the person signs in at Keycloak, but Keycloak's token endpoint refuses the
 * client (RFC 6749 5.2; Keycloak 26 answers 401 {@code unauthorized_client}), so no ID token ever arrives. The
 * valve shows its 403 page with a correlation id and logs, under that id, that the token endpoint refused the
 * client; the secret itself is never logged. The same sign-in with the right secret is accepted.
 */
@Order(16)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakOidcWrongSecretIT {

    private KeycloakOidc keycloak;

    @BeforeAll
    void start() {
        keycloak = KeycloakOidc.forSp(RealWorld.spBaseUrl());
    }

    @Test
    void aWrongClientSecretIsRefusedWithA403AndALogLineAndTheRightOneSignsIn() {
        String wrongSecret = "not-the-secret-keycloak-made-for-" + KeycloakOidc.CLIENT_ID;
        try (EmbeddedSp sp = EmbeddedSp.startOidc(keycloak.valveSettings().andThen(valve -> valve.setProperty("oidcClientSecret", wrongSecret)))) {
            Browser browser = new Browser();
            Page refused = keycloak.callback(browser, KeycloakOidc.enterPassword(browser,
                    keycloak.toLoginForm(browser, sp.url("/sample/")), ALICE, ALICE));

            String reference = KeycloakOidc.refusalReference(refused);
            assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
            assertThat(refused.body()).doesNotContain(wrongSecret).doesNotContain("unauthorized_client");
            String log = sp.log("portcullis.log");
            assertThat(KeycloakOidc.linesWith(log, reference)).as("portcullis.log, under the page's reference, names the token"
                    + " endpoint's refusal").contains("oidc_token_request_failed").contains("token endpoint").containsPattern("unauthorized_client|invalid_client");
            assertThat(log).as("the secret is never logged").doesNotContain(wrongSecret);
            assertThat(Audit.events(sp.log("portcullis-audit.log"), "login_failure")).singleElement().satisfies(event ->
                    assertThat(event).containsEntry("code", "oidc_token_request_failed").containsEntry("correlation", reference));
            assertThat(keycloak.idp().log()).as("Keycloak's side: the client's credentials were wrong")
                    .contains("CODE_TO_TOKEN_ERROR").contains("invalid_client_credentials");
        }
        try (EmbeddedSp sp = EmbeddedSp.startOidc(keycloak.valveSettings())) {
            Browser browser = new Browser();

            Page home = keycloak.signIn(browser, sp.url("/sample/"), ALICE);

            assertThat(home.body()).as("the same sign-in with the right secret").contains("Signed in as <strong>alice</strong>");
        }
    }
}
