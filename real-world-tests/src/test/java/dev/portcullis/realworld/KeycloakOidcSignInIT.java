package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * {@code protocol="oidc"} against Keycloak 26.7.3 ({@link KeycloakOidc}): the valve JAR and the OIDC add-on JAR
 * in embedded Tomcat 11, the sample webapp at {@code /sample} and {@code /second}. Sign-in through Keycloak's own
 * login page with the authorization code flow, the user name from {@code preferred_username} and the roles from
 * the ID token's {@code realm_access.roles}; a replayed callback is refused (state used once) while the first one was accepted.
 */
@Order(16)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakOidcSignInIT {

    private KeycloakOidc keycloak;
    private EmbeddedSp sp;

    @BeforeAll
    void start() {
        keycloak = KeycloakOidc.forSp(RealWorld.spBaseUrl());
        sp = EmbeddedSp.startOidc(keycloak.valveSettings());
    }

    @AfterAll
    void stop() {
        if (sp != null) {
            sp.close();
        }
    }

    @Test
    void eachSignInIsACodeFlowRequestWithItsOwnStateNonceAndPkceChallenge() {
        Page first = new Browser().get(sp.url("/sample/"));
        Page second = new Browser().get(sp.url("/sample/"));

        Map<String, String> one = keycloak.assertAuthorizationRequest(first.location());
        Map<String, String> two = keycloak.assertAuthorizationRequest(second.location());
        assertThat(two.get("state")).isNotEqualTo(one.get("state"));
        assertThat(two.get("nonce")).isNotEqualTo(one.get("nonce"));
        assertThat(two.get("code_challenge")).isNotEqualTo(one.get("code_challenge"));
    }

    @Test
    void aliceSeesHerNameAndTheRealmRolesFromRealmAccessRolesOnBothWebapps() {
        Browser browser = new Browser();

        Page home = keycloak.signIn(browser, sp.url("/sample/"), ALICE);

        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <strong>alice</strong>").contains("alice@example.com");
        assertThat(KeycloakOidc.whoamiRoles(browser, sp, ALICE)).containsExactlyInAnyOrder("user", "admin");
        Page admin = browser.get(sp.url("/sample/admin/"));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body()).contains("You are <strong>alice</strong>");
        assertThat(keycloak.isSignedIn(browser, sp.url("/second/"), ALICE)).as("one sign-in serves every webapp").isTrue();
    }

    @Test
    void bobIsSignedInButTheWebappGivesHim403OnTheAdminArea() {
        Browser browser = new Browser();

        Page home = keycloak.signIn(browser, sp.url("/sample/"), BOB);

        assertThat(home.body()).contains("Signed in as <strong>bob</strong>");
        assertThat(KeycloakOidc.whoamiRoles(browser, sp, BOB)).containsExactly("user");
        assertThat(browser.get(sp.url("/sample/admin/")).status()).isEqualTo(403);
    }

    @Test
    void theCallbackIsAcceptedOnceAndRefusedWhenAnotherBrowserReplaysIt() {
        Browser alice = new Browser();
        Page toCallback = KeycloakOidc.enterPassword(alice, keycloak.toLoginForm(alice, sp.url("/sample/")), ALICE, ALICE);
        String callbackUrl = toCallback.location();

        Page accepted = keycloak.callback(alice, toCallback);
        assertThat(accepted.status() / 100).as("the first callback is accepted:%n%s", accepted.body()).isEqualTo(3);
        assertThat(alice.follow(accepted).body()).contains("Signed in as <strong>alice</strong>");

        // An attacker who got hold of the redirect (a Referer, a proxy log) replays it: state is single use, and the
        // code is bound to alice's PKCE verifier, which never left the valve (RFC 7636 section 1, RFC 9700 4.5).
        Browser attacker = new Browser();
        Page replayed = attacker.get(callbackUrl);
        assertThat(attacker.cookie("localhost", "PORTCULLIS")).as("no session for the attacker").isNull();
        assertThat(attacker.get(sp.url("/sample/")).status()).as("still not signed in").isEqualTo(302);
        String reference = KeycloakOidc.refusalReference(replayed);
        // Which check refuses it: the valve's own, before the code goes to Keycloak (the state is used up before the
        // code is redeemed), so a replay costs Keycloak no token request.
        assertThat(Audit.events(sp.log("portcullis-audit.log"), "login_failure")).anySatisfy(event -> assertThat(event)
                .containsEntry("correlation", reference).containsEntry("code", "oidc_state_replayed"));
        assertThat(KeycloakOidc.linesWith(sp.log("portcullis.log"), reference)).contains("oidc_state_replayed")
                .doesNotContain("invalid_grant");
        assertThat(keycloak.isSignedIn(alice, sp.url("/sample/"), ALICE)).as("alice's own session is untouched").isTrue();
    }
}
