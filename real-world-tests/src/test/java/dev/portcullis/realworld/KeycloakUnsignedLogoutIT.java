package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Keycloak in its default setup here (assertions signed, "Sign documents" off) signs none of its
 * logout messages: Keycloak signs LogoutRequests and LogoutResponses only with "Sign documents"
 * (saml.server.signature) on. Portcullis refuses unsigned logout messages, since a forged LogoutRequest
 * would end other people's sessions. This suite shows what an operator then sees, next to the accepted
 * case in {@link KeycloakSingleLogoutIT}: signing out still ends the sessions here (and at Keycloak) but
 * lands on a refusal page; and logging out at Keycloak does NOT end the sessions here, which is why
 * docs/REAL-IDPS.md says to turn "Sign documents" on.
 */
@Order(11)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakUnsignedLogoutIT {

    private static final Pattern REFERENCE = Pattern.compile("reference ([A-Za-z0-9]+)");

    private Idp idp;
    private EmbeddedSp sp;

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(Idp.Kind.KEYCLOAK, RealWorld.spBaseUrl(), SpKeys.shared().certificate())
                .signing(Idp.Signing.ASSERTION));
        sp = EmbeddedSp.start(idp.metadataUrl(), valve -> { });
    }

    @AfterAll
    void stop() {
        if (sp != null) {
            sp.close();
        }
    }

    @Test
    void anUnsignedLogoutResponseIsRefusedAfterTheSessionsHereHaveEnded() {
        Browser alice = new Browser();
        SignIn.signIn(alice, sp.url("/sample/"), idp.origin(), sp.acsUrl(), ALICE, ALICE);
        String oldCookie = alice.cookie("localhost", "PORTCULLIS");

        Page form = alice.get(sp.url("/sso/logout"));
        FrontChannel.Trip trip = FrontChannel.follow(alice, alice.submit(form, Map.of()));

        assertThat(trip.only("LogoutRequest").signature()).as("the valve signs its request").isNotEqualTo("none");
        FrontChannel.Message answer = trip.only("LogoutResponse");
        assertThat(answer.target()).hasToString(sp.sloUrl());
        assertThat(answer.signature()).as("Keycloak does not sign it").isEqualTo("none");
        assertThat(trip.end().status()).as("refused:%n%s", trip.end().body()).isEqualTo(403);
        assertThat(trip.end().body()).contains("Sign-out message refused")
                .contains("Sessions on this site that you ended yourself are ended");
        String reference = reference(trip.end().body());
        assertThat(sp.log("portcullis.log")).as("the log names the cause under the page's reference")
                .contains("Logout message refused [missing_signature] correlation [" + reference + "]");
        assertThat(Audit.events(sp.log("portcullis-audit.log"), "logout_failure")).anySatisfy(event -> assertThat(event)
                .containsEntry("code", "missing_signature").containsEntry("correlation", reference));
        Browser withOldCookie = new Browser();
        withOldCookie.setCookie("localhost", "PORTCULLIS", oldCookie);
        assertThat(SignIn.isSignedIn(withOldCookie, sp.url("/sample/"), idp.origin(), ALICE))
                .as("the session here ended before the LogoutRequest left").isFalse();
        SignIn.toLoginForm(alice, sp.url("/sample/"), idp.origin());
    }

    @Test
    void anUnsignedLogoutRequestFromKeycloakIsRefusedAndEndsNothingHere() {
        Browser alice = new Browser();
        SignIn.signIn(alice, sp.url("/sample/"), idp.origin(), sp.acsUrl(), ALICE, ALICE);

        Page confirm = alice.get(idp.origin() + "/realms/portcullis/protocol/openid-connect/logout");
        HtmlForm form = HtmlForm.withInput(confirm, "session_code")
                .orElseThrow(() -> new AssertionError("no logout confirmation form:\n" + confirm.body()));
        FrontChannel.Trip trip = FrontChannel.follow(alice, form.submit(alice, Map.of()));

        FrontChannel.Message request = trip.only("LogoutRequest");
        assertThat(request.target()).hasToString(sp.sloUrl());
        assertThat(request.signature()).as("Keycloak does not sign it").isEqualTo("none");
        assertThat(trip.end().status()).as("refused:%n%s", trip.end().body()).isEqualTo(403);
        assertThat(trip.end().body()).contains("Sign-out message refused");
        assertThat(sp.log("portcullis.log")).contains("Logout message refused [missing_signature] correlation ["
                + reference(trip.end().body()) + "]");
        assertThat(SignIn.isSignedIn(alice, sp.url("/sample/"), idp.origin(), ALICE))
                .as("an unsigned LogoutRequest ends nothing here").isTrue();
    }

    private static String reference(String page) {
        Matcher m = REFERENCE.matcher(page);
        assertThat(m.find()).as("a reference on the refusal page:%n%s", page).isTrue();
        return m.group(1);
    }
}
