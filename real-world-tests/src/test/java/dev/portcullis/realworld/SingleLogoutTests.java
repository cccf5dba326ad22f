package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static dev.portcullis.realworld.SamlMessages.ASSERTION;
import static dev.portcullis.realworld.SamlMessages.PROTOCOL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.Xml;

/**
 * Single Logout with a real IdP, both ways, the valve in embedded Tomcat (or, where a subclass says so, a
 * stock Tomcat distribution) in front of the sample webapp at {@code /sample} and {@code /second}. The IdP knows the SP's {@code /sso/slo} for both bindings from
 * its configuration template and signs its logout messages ({@link Idp.Kind#signsLogout}); the valve
 * knows the IdP's SingleLogoutService from the IdP's metadata only.
 *
 * <ul>
 *   <li>SP-initiated: the person signs out with the valve's form; the valve sends a signed LogoutRequest
 *       naming the NameID and SessionIndex the IdP issued; the IdP's signed LogoutResponse brings the
 *       browser back to the "signed out everywhere" page; the old cookie opens nothing any more and the
 *       IdP asks for the password again.</li>
 *   <li>IdP-initiated: the session ends at the IdP (how is the subclass's {@link #endSessionAtTheIdp});
 *       the IdP's LogoutRequest ends alice's sessions on both webapps and not bob's, and the valve's signed
 *       LogoutResponse satisfies the IdP.</li>
 * </ul>
 * Every "signed out" is checked against a "signed in" just before, and every SAML message on the way is
 * decoded and checked for who sent it, where, and how it was signed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SingleLogoutTests {

    static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

    Idp idp;
    Sp sp;

    abstract Idp.Kind kind();

    /**
     * Ends alice's session at the IdP itself, with her browser, in the way the IdP offers, so that the
     * IdP tells the SP; returns the trip from there back to the IdP's (or its ReturnTo) last page.
     */
    abstract FrontChannel.Trip endSessionAtTheIdp(Browser alice);

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(kind(), RealWorld.spBaseUrl(), SpKeys.shared().certificate())
                .signing(kind().signsLogout));
        sp = EmbeddedSp.start(idp.metadataUrl(), valve -> { });
    }

    @AfterAll
    void stop() {
        if (sp != null) {
            sp.close();
        }
    }

    @Test
    void theSpMetadataOffersSingleLogoutOnBothBindings() {
        Page metadata = new Browser().get(sp.url("/sso/metadata"));

        assertThat(metadata.status()).isEqualTo(200);
        Element descriptor = Xml.first(Xml.parse(metadata.body()).getDocumentElement(), METADATA, "SPSSODescriptor");
        NodeList services = descriptor.getElementsByTagNameNS(METADATA, "SingleLogoutService");
        List<String> slo = new ArrayList<>();
        for (int i = 0; i < services.getLength(); i++) {
            Element service = (Element) services.item(i);
            slo.add(service.getAttribute("Binding") + " " + service.getAttribute("Location"));
        }
        assertThat(slo).contains("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect " + sp.sloUrl(),
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST " + sp.sloUrl());
    }

    @Test
    void signingOutEndsBothWebappsHereAndTheSessionAtTheIdp() {
        Browser alice = new Browser();
        Element issued = signIn(alice, ALICE);
        assertThat(SignIn.isSignedIn(alice, sp.url("/second/"), idp.origin(), ALICE)).as("one sign-in, both webapps").isTrue();
        String oldCookie = alice.cookie("localhost", "PORTCULLIS");

        Page form = alice.get(sp.url("/sso/logout"));
        assertThat(form.status()).isEqualTo(200);
        assertThat(Browser.formFields(form.body())).containsKey("token");
        FrontChannel.Trip trip = FrontChannel.follow(alice, alice.submit(form, Map.of()));

        FrontChannel.Message request = trip.only("LogoutRequest");
        assertThat(request.target()).as("the IdP's SingleLogoutService, from its metadata").hasToString(idp.sloUrl());
        assertThat(request.signature()).as("the valve signs its LogoutRequest").isNotEqualTo("none");
        assertThat(SamlMessages.text(request.xml(), ASSERTION, "NameID")).as("NameID as issued")
                .isEqualTo(SamlMessages.text(issued, ASSERTION, "NameID"));
        assertThat(SamlMessages.text(request.xml(), PROTOCOL, "SessionIndex")).as("SessionIndex as issued")
                .isEqualTo(Xml.first(issued, ASSERTION, "AuthnStatement").getAttribute("SessionIndex"));
        FrontChannel.Message answer = trip.only("LogoutResponse");
        assertThat(answer.target()).hasToString(sp.sloUrl());
        assertThat(answer.signature()).as("the IdP signs its LogoutResponse").isNotEqualTo("none");
        assertThat(answer.xml().getAttribute("InResponseTo")).isEqualTo(request.xml().getAttribute("ID"));
        assertThat(status(answer.xml())).isEqualTo(SUCCESS);

        assertThat(trip.end().uri()).as("the valve accepted the IdP's answer:%n%s", trip.end().body())
                .hasToString(sp.url("/sso/signed-out?status=complete"));
        assertThat(trip.end().body()).contains("You are signed out of every application on this server and at your"
                + " identity provider.");
        assertThat(alice.cookie("localhost", "PORTCULLIS")).as("the cookie is cleared").isNull();
        Browser withOldCookie = new Browser();
        withOldCookie.setCookie("localhost", "PORTCULLIS", oldCookie);
        assertThat(SignIn.isSignedIn(withOldCookie, sp.url("/sample/"), idp.origin(), ALICE)).as("old cookie, /sample/").isFalse();
        assertThat(SignIn.isSignedIn(withOldCookie, sp.url("/second/"), idp.origin(), ALICE)).as("old cookie, /second/").isFalse();
        SignIn.toLoginForm(alice, sp.url("/sample/"), idp.origin());
        assertThat(Audit.events(sp.log("portcullis-audit.log"), "logout")).anySatisfy(event -> assertThat(event)
                .containsEntry("user", ALICE).containsEntry("cause", "local"));
    }

    @Test
    void theIdpEndingAlicesSessionEndsHersOnBothWebappsAndNotBobs() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        Element issued = signIn(alice, ALICE);
        signIn(bob, BOB);
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(SignIn.isSignedIn(alice, sp.url(webapp), idp.origin(), ALICE)).as("alice before, " + webapp).isTrue();
            assertThat(SignIn.isSignedIn(bob, sp.url(webapp), idp.origin(), BOB)).as("bob before, " + webapp).isTrue();
        }
        int logoutsBefore = Audit.events(sp.log("portcullis-audit.log"), "logout").size();

        FrontChannel.Trip trip = endSessionAtTheIdp(alice);

        FrontChannel.Message request = trip.only("LogoutRequest");
        assertThat(request.target()).hasToString(sp.sloUrl());
        assertThat(request.signature()).as("the IdP signs its LogoutRequest").isNotEqualTo("none");
        assertThat(SamlMessages.text(request.xml(), ASSERTION, "Issuer")).isEqualTo(idpEntityId(issued));
        assertThat(SamlMessages.text(request.xml(), ASSERTION, "NameID")).isEqualTo(SamlMessages.text(issued, ASSERTION, "NameID"));
        FrontChannel.Message answer = trip.only("LogoutResponse");
        assertThat(answer.target()).as("the valve answers at the IdP's SingleLogoutService").hasToString(idp.sloUrl());
        assertThat(answer.signature()).as("the valve signs its LogoutResponse").isNotEqualTo("none");
        assertThat(answer.xml().getAttribute("InResponseTo")).isEqualTo(request.xml().getAttribute("ID"));
        assertThat(status(answer.xml())).isEqualTo(SUCCESS);
        for (String webapp : List.of("/sample/", "/second/")) {
            assertThat(SignIn.isSignedIn(alice, sp.url(webapp), idp.origin(), ALICE)).as("alice after, " + webapp).isFalse();
            assertThat(SignIn.isSignedIn(bob, sp.url(webapp), idp.origin(), BOB)).as("bob after, " + webapp).isTrue();
        }
        List<Map<String, Object>> logouts = Audit.events(sp.log("portcullis-audit.log"), "logout");
        assertThat(logouts.subList(logoutsBefore, logouts.size())).as("audited: alice's session, ended by the IdP")
                .singleElement().satisfies(event -> assertThat(event).containsEntry("user", ALICE).containsEntry("cause", "idp"));
        SignIn.toLoginForm(alice, sp.url("/sample/"), idp.origin());
    }

    Element signIn(Browser browser, String user) {
        return SignIn.signInKeepingAssertion(browser, sp, idp, user);
    }

    static String idpEntityId(Element assertion) {
        return SamlMessages.text(assertion, ASSERTION, "Issuer");
    }

    /** The top-level StatusCode of a StatusResponse. */
    static String status(Element response) {
        return Xml.first(response, PROTOCOL, "StatusCode").getAttribute("Value");
    }

    static final String METADATA = "urn:oasis:names:tc:SAML:2.0:metadata";
}
