package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Logout with {@code protocol="oidc"} against Keycloak 26.7.3, both ways:
 * <ul>
 *   <li>RP-initiated (OpenID Connect RP-Initiated Logout 1.0): the person signs out with the valve's form; the
 *       valve ends the session here and, through the page saying so, sends the browser to Keycloak's
 *       end_session_endpoint with
 *       {@code id_token_hint} (the ID token the session kept), {@code client_id}, {@code post_logout_redirect_uri}
 *       (the signed-out page) and {@code state}; Keycloak ends its session without asking and sends the browser
 *       back with the state, which the signed-out page accepts once.</li>
 *   <li>Back-channel (OpenID Connect Back-Channel Logout 1.0): an administrator signs alice out in Keycloak's
 *       console; Keycloak's own HTTP client posts a signed logout token to {@code /sso/backchannel-logout}, which
 *       ends every session of alice's Keycloak session here, on both webapps, and none of bob's. The same token
 *       posted again, or with its signature altered, is refused (400) and ends nothing.</li>
 * </ul>
 */
@Order(16)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakOidcLogoutIT {

    private static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

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
    void signingOutEndsTheSessionHereAndAtKeycloakWhichThenAsksForThePasswordAgain() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        keycloak.signIn(alice, sp.url("/sample/"), ALICE);
        keycloak.signIn(bob, sp.url("/sample/"), BOB);
        // Other suites' sessions at this Keycloak may still be open: only this one of alice's must end.
        KeycloakAdmin admin = KeycloakAdmin.signIn(keycloak.origin());
        int alicesSessions = admin.sessionCount(ALICE);
        int bobsSessions = admin.sessionCount(BOB);

        Page form = alice.get(sp.url("/sso/logout"));
        assertThat(form.status()).isEqualTo(200);
        String toKeycloak = KeycloakOidc.continueToProvider(alice.submit(form, Map.of()));

        assertThat(toKeycloak).startsWith(keycloak.endSessionEndpoint() + "?");
        Map<String, String> query = Browser.query(toKeycloak);
        assertThat(query).containsEntry("client_id", KeycloakOidc.CLIENT_ID)
                .containsEntry("post_logout_redirect_uri", sp.url("/sso/signed-out")).containsKeys("state", "id_token_hint");
        assertThat(KeycloakOidc.claims(query.get("id_token_hint"))).as("the ID token Keycloak issued to alice")
                .containsEntry("preferred_username", ALICE).containsEntry("aud", KeycloakOidc.CLIENT_ID);
        assertThat(keycloak.isSignedIn(alice, sp.url("/second/"), ALICE)).as("ended here before Keycloak is asked").isFalse();
        Page back = alice.get(toKeycloak);
        assertThat(back.status()).as("with id_token_hint Keycloak ends its session without asking:%n%s", back.body()).isEqualTo(302);
        assertThat(back.location()).as("Keycloak sends the browser back with the state")
                .isEqualTo(sp.url("/sso/signed-out") + "?state=" + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
        Page signedOut = alice.follow(back);
        assertThat(signedOut.status()).isEqualTo(200);
        assertThat(signedOut.body()).as("the state came back: Keycloak's session ended too")
                .contains("signed out of every application on this server and at your identity provider");
        assertThat(alice.get(back.location()).body()).as("the same state a second time proves nothing")
                .doesNotContain("and at your identity provider");

        assertThat(alice.cookie("localhost", "PORTCULLIS")).as("the session cookie is cleared").isNull();
        assertThat(admin.sessionCount(ALICE)).as("alice's session at Keycloak ended").isEqualTo(alicesSessions - 1);
        assertThat(admin.sessionCount(BOB)).as("bob's sessions at Keycloak").isEqualTo(bobsSessions);
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(keycloak.isSignedIn(alice, sp.url(webapp), ALICE)).as("alice after, " + webapp).isFalse();
            assertThat(keycloak.isSignedIn(bob, sp.url(webapp), BOB)).as("bob after, " + webapp).isTrue();
        }
        keycloak.toLoginForm(alice, sp.url("/sample/"));
        assertThat(Audit.events(sp.log("portcullis-audit.log"), "logout")).anySatisfy(event -> assertThat(event)
                .containsEntry("user", ALICE));
    }

    @Test
    void anAdministratorSigningAliceOutEndsHerSessionsHereAndNotBobsAndTheTokenWorksOnlyOnce() throws Exception {
        // Alice's sessions of earlier tests and suites first: each would bring a logout token of its own.
        KeycloakAdmin admin = KeycloakAdmin.signIn(keycloak.origin());
        admin.logOutEverywhere(ALICE);
        sp.awaitQuietBackChannel();
        Browser alice = new Browser();
        Browser bob = new Browser();
        keycloak.signIn(alice, sp.url("/sample/"), ALICE);
        keycloak.signIn(bob, sp.url("/sample/"), BOB);
        assertBothSignedInOnBothWebapps(alice, bob);
        int seen = sp.backChannelExchanges().size();

        admin.logOutEverywhere(ALICE);

        EmbeddedSp.BackChannelExchange exchange = sp.nextBackChannelExchange(seen);
        assertThat(exchange.method()).isEqualTo("POST");
        assertThat(exchange.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(exchange.userAgent()).as("Keycloak's own HTTP client, not a browser").startsWith("Apache-HttpClient");
        assertThat(exchange.status()).as("the valve accepted the logout token").isEqualTo(200);
        assertThat(exchange.cacheControl()).contains("no-store");
        Map<String, Object> claims = KeycloakOidc.claims(exchange.logoutToken());
        assertThat(claims).containsEntry("iss", keycloak.issuer()).containsEntry("aud", KeycloakOidc.CLIENT_ID)
                .containsKeys("sid", "sub", "jti", "iat").doesNotContainKey("nonce");
        @SuppressWarnings("unchecked")
        Map<String, Object> events = (Map<String, Object>) claims.get("events");
        assertThat(events).containsKey(BACKCHANNEL_LOGOUT_EVENT);
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(keycloak.isSignedIn(alice, sp.url(webapp), ALICE)).as("alice after, " + webapp).isFalse();
            assertThat(keycloak.isSignedIn(bob, sp.url(webapp), BOB)).as("bob after, " + webapp).isTrue();
        }
        assertThat(admin.sessionCount(ALICE)).isZero();
        assertThat(Audit.events(sp.log("portcullis-audit.log"), "logout")).anySatisfy(event -> assertThat(event)
                .containsEntry("user", ALICE)).noneSatisfy(event -> assertThat(event).containsEntry("user", BOB));

        // The attacks, each against bob's session too: Keycloak's token once more (jti seen, Back-Channel Logout 1.0
        // section 2.6 step 8), and the token with one byte of its signature changed (section 2.6 step 3).
        String token = exchange.logoutToken();
        assertThat(postLogoutToken(token)).as("the same logout token again").isEqualTo(400);
        String tampered = token.substring(0, token.length() - 2) + (token.charAt(token.length() - 2) == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        assertThat(postLogoutToken(tampered)).as("the logout token with its signature altered").isEqualTo(400);
        assertThat(keycloak.isSignedIn(bob, sp.url("/sample/"), BOB)).as("bob still").isTrue();
    }

    /** Posts a logout token to the valve as Keycloak does; returns the status. */
    private int postLogoutToken(String token) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(sp.url("/sso/backchannel-logout")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        return response.statusCode();
    }

    private void assertBothSignedInOnBothWebapps(Browser alice, Browser bob) {
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(keycloak.isSignedIn(alice, sp.url(webapp), ALICE)).as("alice before, " + webapp).isTrue();
            assertThat(keycloak.isSignedIn(bob, sp.url(webapp), BOB)).as("bob before, " + webapp).isTrue();
        }
    }
}
