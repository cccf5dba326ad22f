package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static dev.portcullis.realworld.SamlMessages.ASSERTION;
import static dev.portcullis.realworld.SamlMessages.PROTOCOL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.Xml;

/**
 * Keycloak 26.7.3 with back-channel logout (PORTCULLIS_KEYCLOAK_LOGOUT=back: the client's "Front channel
 * logout" off) and "Sign documents" on. Keycloak's own HTTP client then posts its signed LogoutRequest to
 * the SP's /sso/slo (POST binding), never through a browser, whoever ended the session: an administrator
 * in the console, or the person at Keycloak's end-session endpoint. With front-channel logout (the
 * default, {@link KeycloakSingleLogoutIT}), an administrator's "sign out" never reaches the SP at all:
 * Keycloak skips front-channel clients when no browser is at hand and logs "Some clients have not been
 * logged out".
 *
 * <p>The valve answers a back-channel LogoutRequest as it answers one through a browser: a redirect to
 * Keycloak's SingleLogoutService carrying its signed LogoutResponse. Keycloak's back-channel client looks
 * only at the transport (it follows a redirect only to its own URL with a slash added) and ignores the
 * answer's content, so that answer satisfies it; the recording valve in front of Portcullis shows both.
 */
@Order(14)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakBackChannelLogoutIT {

    private Idp idp;
    private EmbeddedSp sp;

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(Idp.Kind.KEYCLOAK, RealWorld.spBaseUrl(), SpKeys.shared().certificate())
                .signing(Idp.Kind.KEYCLOAK.signsLogout).logout(Idp.LogoutChannel.BACK));
        sp = EmbeddedSp.start(idp.metadataUrl(), valve -> { });
    }

    @AfterAll
    void stop() {
        if (sp != null) {
            sp.close();
        }
    }

    @Test
    void anAdministratorSigningAliceOutEndsHerSessionsHereAndNotBobs() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        Element issued = SignIn.signInKeepingAssertion(alice, sp, idp, ALICE);
        SignIn.signInKeepingAssertion(bob, sp, idp, BOB);
        assertBothSignedInOnBothWebapps(alice, bob);
        KeycloakAdmin admin = KeycloakAdmin.signIn(idp.origin());
        assertThat(admin.sessionCount(ALICE)).isEqualTo(1);
        int bobsSessions = admin.sessionCount(BOB);
        int seen = sp.sloExchanges().size();

        admin.logOutEverywhere(ALICE);

        EmbeddedSp.SloExchange exchange = sp.nextSloExchange(seen);
        assertThat(exchange.userAgent()).as("Keycloak's own HTTP client, not a browser").startsWith("Apache-HttpClient");
        assertAcceptedBackChannelRequest(exchange, issued);
        assertAliceSignedOutAndBobNot(alice, bob);
        assertThat(admin.sessionCount(ALICE)).isZero();
        assertThat(admin.sessionCount(BOB)).as("bob's sessions at Keycloak").isEqualTo(bobsSessions);
        assertThat(idp.log()).as("Keycloak reports no client left logged in or failed back-channel logout")
                .doesNotContain("Some clients have not been logged out for user alice")
                .doesNotContain("failed to send saml logout");
    }

    @Test
    void aliceLoggingOutAtKeycloakEndsHerSessionsHereWithoutHerBrowserComingBy() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        Element issued = SignIn.signInKeepingAssertion(alice, sp, idp, ALICE);
        SignIn.signInKeepingAssertion(bob, sp, idp, BOB);
        assertBothSignedInOnBothWebapps(alice, bob);
        int seen = sp.sloExchanges().size();

        Page confirm = alice.get(idp.origin() + "/realms/portcullis/protocol/openid-connect/logout");
        HtmlForm form = HtmlForm.withInput(confirm, "session_code")
                .orElseThrow(() -> new AssertionError("no logout confirmation form:\n" + confirm.body()));
        FrontChannel.Trip trip = FrontChannel.follow(alice, form.submit(alice, Map.of()));

        assertThat(trip.messages()).as("no SAML message through the browser").isEmpty();
        assertThat(trip.end().body()).contains("You are logged out");
        assertAcceptedBackChannelRequest(sp.nextSloExchange(seen), issued);
        assertAliceSignedOutAndBobNot(alice, bob);
        assertThat(KeycloakAdmin.signIn(idp.origin()).sessionCount(ALICE)).as("alice's session at Keycloak ended").isZero();
    }

    /** What Keycloak posted, and what the valve answered. */
    private void assertAcceptedBackChannelRequest(EmbeddedSp.SloExchange exchange, Element issued) {
        assertThat(exchange.method()).as("the POST binding").isEqualTo("POST");
        Element request = SamlMessages.postMessage(exchange.samlRequest());
        assertThat(request.getLocalName()).isEqualTo("LogoutRequest");
        assertThat(request.getAttribute("Destination")).isEqualTo(sp.sloUrl());
        assertThat(SamlMessages.signsItself(request)).as("Keycloak signs it (enveloped signature)").isTrue();
        assertThat(SamlMessages.text(request, ASSERTION, "NameID")).isEqualTo(SamlMessages.text(issued, ASSERTION, "NameID"));
        assertThat(SamlMessages.text(request, PROTOCOL, "SessionIndex"))
                .isEqualTo(Xml.first(issued, ASSERTION, "AuthnStatement").getAttribute("SessionIndex"));
        assertThat(exchange.status()).as("the valve accepted the LogoutRequest").isEqualTo(302);
        assertThat(exchange.location()).startsWith(idp.sloUrl() + "?SAMLResponse=");
        Element answer = SamlMessages.redirectMessage(Browser.query(exchange.location()).get("SAMLResponse"));
        assertThat(answer.getAttribute("InResponseTo")).isEqualTo(request.getAttribute("ID"));
        assertThat(SingleLogoutTests.status(answer)).isEqualTo(SingleLogoutTests.SUCCESS);
        assertThat(Browser.query(exchange.location())).as("signed (Redirect binding)").containsKeys("SigAlg", "Signature");
    }

    private void assertBothSignedInOnBothWebapps(Browser alice, Browser bob) {
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(SignIn.isSignedIn(alice, sp.url(webapp), idp.origin(), ALICE)).as("alice before, " + webapp).isTrue();
            assertThat(SignIn.isSignedIn(bob, sp.url(webapp), idp.origin(), BOB)).as("bob before, " + webapp).isTrue();
        }
    }

    private void assertAliceSignedOutAndBobNot(Browser alice, Browser bob) {
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(SignIn.isSignedIn(alice, sp.url(webapp), idp.origin(), ALICE)).as("alice after, " + webapp).isFalse();
            assertThat(SignIn.isSignedIn(bob, sp.url(webapp), idp.origin(), BOB)).as("bob after, " + webapp).isTrue();
        }
        assertThat(Audit.events(sp.log("portcullis-audit.log"), "logout")).anySatisfy(event -> assertThat(event)
                .containsEntry("user", ALICE).containsEntry("cause", "idp")).noneSatisfy(event -> assertThat(event)
                .containsEntry("user", BOB));
    }
}
