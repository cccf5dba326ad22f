package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Signing in through a real IdP's own login pages, with the IdP in its default setup (assertions
 * signed, NameID = user name, roles in one multi-valued attribute {@code roles}) and the valve in an
 * embedded Tomcat 11, pointed at the IdP's metadata URL and {@code roleAttributes="roles"}, nothing
 * else about the IdP. One subclass per IdP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealIdpSignInTests {

    private Idp idp;
    private EmbeddedSp sp;

    /** Which IdP this suite runs against. */
    abstract Idp.Kind kind();

    /** The IdP's SSO endpoint path, which the valve can only have learnt from the IdP's metadata. */
    abstract String ssoPath();

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(kind(), RealWorld.spBaseUrl(), SpKeys.shared().certificate()));
        sp = EmbeddedSp.start(idp.metadataUrl(), valve -> { });
    }

    @AfterAll
    void stop() {
        if (sp != null) {
            sp.close();
        }
    }

    @Test
    void theValveSendsTheSignedRequestToTheEndpointFromTheIdpsMetadata() {
        Page toIdp = new Browser().get(sp.url("/sample/"));

        assertThat(toIdp.status()).isEqualTo(302);
        assertThat(toIdp.location()).startsWith(idp.origin() + ssoPath() + "?");
        assertThat(SamlMessages.authnRequest(toIdp.location()).getAttribute("AssertionConsumerServiceURL"))
                .isEqualTo(sp.acsUrl());
    }

    @Test
    void aliceSeesHerNameAndTheRolesTheIdpSentInItsRolesAttribute() {
        Browser browser = new Browser();

        Page home = SignIn.signIn(browser, sp.url("/sample/"), idp.origin(), sp.acsUrl(), ALICE, ALICE);

        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <strong>alice</strong>").contains("Authentication type: SAML")
                .contains("alice@example.com");
        assertThat(browser.get(sp.url("/sample/api/whoami")).body()).isEqualTo("{\"user\":\"alice\",\"roles\":[\"user\",\"admin\"]}");
        Page admin = browser.get(sp.url("/sample/admin/"));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body()).contains("You are <strong>alice</strong>");
    }

    @Test
    void bobIsSignedInButTheWebappGivesHim403OnTheAdminArea() {
        Browser browser = new Browser();

        Page home = SignIn.signIn(browser, sp.url("/sample/"), idp.origin(), sp.acsUrl(), BOB, BOB);

        assertThat(home.body()).contains("Signed in as <strong>bob</strong>");
        assertThat(browser.get(sp.url("/sample/api/whoami")).body()).isEqualTo("{\"user\":\"bob\",\"roles\":[\"user\"]}");
        assertThat(browser.get(sp.url("/sample/admin/")).status()).isEqualTo(403);
    }

    @Test
    void aWrongPasswordStaysOnTheIdpsLoginPageAndTheRightOneThenSignsIn() {
        Browser browser = new Browser();
        Page login = SignIn.toLoginForm(browser, sp.url("/sample/"), idp.origin());

        Page again = SignIn.enterPassword(browser, login, ALICE, "not-alice");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.uri().toString()).startsWith(idp.origin());
        assertThat(again.body()).contains(kind().wrongPasswordText);
        assertThat(HtmlForm.withInput(again, "password")).as("the login form again").isPresent();
        assertThat(HtmlForm.withInput(again, "SAMLResponse")).as("no response for the SP").isEmpty();
        assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
        assertThat(browser.get(sp.url("/sample/")).status()).as("still not signed in at the SP").isEqualTo(302);

        Page autoPost = SignIn.enterPassword(browser, again, ALICE, ALICE);
        Page acs = SignIn.postResponse(browser, autoPost, sp.acsUrl());
        assertThat(acs.status()).as("the right password then signs in:%n%s", acs.body()).isEqualTo(303);
        assertThat(browser.follow(acs).body()).contains("Signed in as <strong>alice</strong>");
    }
}
