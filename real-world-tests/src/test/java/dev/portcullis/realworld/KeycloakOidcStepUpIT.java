package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Step-up with {@code acr_values} against Keycloak 26.7.3. The realm maps acr {@code silver} to level of
 * authentication 1 (user name and password) and {@code gold} to level 2 (the password once more, asked anew
 * whenever gold is requested), through the client's own browser flow with "Condition - Level of Authentication"
 * steps. With {@code stepUpPaths="/sample/admin/*"} and {@code stepUpAuthnContext="gold"}, alice, signed in at silver,
 * is sent back to Keycloak with {@code acr_values=gold} when she opens /sample/admin/, types her password again,
 * and gets in: the ID token says {@code acr: gold}. Asking for an acr Keycloak does not know ({@code platinum})
 * shows the refusal side: Keycloak ignores it (its log says so) and issues an ID token with {@code acr: silver},
 * which the valve refuses for that path (OIDC Core 1.0 3.1.2.1: acr_values is a voluntary claim, so the ID
 * token's acr must be checked).
 */
@Order(16)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakOidcStepUpIT {

    private KeycloakOidc keycloak;

    @BeforeAll
    void start() {
        keycloak = KeycloakOidc.forSp(RealWorld.spBaseUrl());
    }

    @Test
    void aliceSignedInAtSilverTypesHerPasswordAgainForTheAdminAreaAndGetsInWithGold() {
        try (EmbeddedSp sp = EmbeddedSp.startOidc(stepUp("gold"))) {
            Browser alice = new Browser();
            keycloak.signIn(alice, sp.url("/sample/"), ALICE);

            Page toKeycloak = alice.get(sp.url("/sample/admin/"));

            Map<String, String> request = keycloak.assertAuthorizationRequest(toKeycloak.location());
            assertThat(request).containsEntry("acr_values", "gold");
            Page passwordAgain = alice.follow(toKeycloak);
            assertThat(passwordAgain.status()).as("Keycloak asks for the password again:%n%s", passwordAgain.body()).isEqualTo(200);
            assertThat(HtmlForm.withInput(passwordAgain, "password")).isPresent();
            Page atCallback = keycloak.callback(alice, KeycloakOidc.enterPassword(alice, passwordAgain, ALICE, ALICE));
            assertThat(atCallback.status() / 100).as("the valve accepts the gold sign-in:%n%s", atCallback.body()).isEqualTo(3);
            assertThat(atCallback.location()).isEqualTo(sp.url("/sample/admin/"));
            Page admin = alice.follow(atCallback);
            assertThat(admin.status()).isEqualTo(200);
            assertThat(admin.body()).contains("You are <strong>alice</strong>");
            assertThat(alice.get(sp.url("/sample/admin/")).status()).as("gold holds for the session").isEqualTo(200);
        }
    }

    @Test
    void anAcrKeycloakDoesNotKnowComesBackAsSilverAndTheValveRefusesTheAdminArea() {
        try (EmbeddedSp sp = EmbeddedSp.startOidc(stepUp("platinum"))) {
            Browser alice = new Browser();
            keycloak.signIn(alice, sp.url("/sample/"), ALICE);

            Page toKeycloak = alice.get(sp.url("/sample/admin/"));

            assertThat(keycloak.assertAuthorizationRequest(toKeycloak.location())).containsEntry("acr_values", "platinum");
            Page toCallback = alice.get(toKeycloak.location());
            // Keycloak's session satisfies level 1 and platinum maps to no level: it answers at once, with silver.
            Page refused = keycloak.callback(alice, toCallback);
            String reference = KeycloakOidc.refusalReference(refused);
            assertThat(KeycloakOidc.linesWith(sp.log("portcullis.log"), reference)).as("the log names both acr values")
                    .contains("oidc_acr_mismatch").contains("silver").contains("platinum");
            assertThat(keycloak.idp().log()).contains("Requested acr value 'platinum' is not a number and it is not mapped");
            assertThat(alice.get(sp.url("/sample/admin/")).status()).as("still no admin area").isNotEqualTo(200);
            assertThat(keycloak.isSignedIn(alice, sp.url("/sample/"), ALICE)).as("the silver session stays for other paths").isTrue();
        }
    }

    private java.util.function.Consumer<dev.portcullis.SsoValve> stepUp(String acr) {
        return keycloak.valveSettings().andThen(valve -> {
            valve.setProperty("stepUpPaths", "/sample/admin/*");
            valve.setProperty("stepUpAuthnContext", acr);
        });
    }
}
