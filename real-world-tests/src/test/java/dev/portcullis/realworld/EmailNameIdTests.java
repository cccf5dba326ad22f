package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * An IdP that identifies users by e-mail address (NameID format emailAddress), as many corporate
 * IdPs do, with the valve asking for that format ({@code nameIdFormat}). The webapp's user name is
 * then the address; the roles still come from the {@code roles} attribute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmailNameIdTests {

    static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

    private Idp idp;
    private EmbeddedSp sp;

    abstract Idp.Kind kind();

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(kind(), RealWorld.spBaseUrl(), SpKeys.shared().certificate())
                .nameId(Idp.NameId.EMAIL));
        sp = EmbeddedSp.start(idp.metadataUrl(), valve -> valve.setProperty("nameIdFormat", EMAIL_FORMAT));
    }

    @AfterAll
    void stop() {
        if (sp != null) {
            sp.close();
        }
    }

    @Test
    void theValveAsksForAnEmailNameId() {
        Page toIdp = new Browser().get(sp.url("/sample/"));

        Element request = SamlMessages.authnRequest(toIdp.location());
        Element policy = dev.portcullis.testkit.Xml.first(request, SamlMessages.PROTOCOL, "NameIDPolicy");
        assertThat(policy).isNotNull();
        assertThat(policy.getAttribute("Format")).isEqualTo(EMAIL_FORMAT);
    }

    @Test
    void aliceIsKnownToTheWebappByHerEmailAddressWithHerRoles() {
        Browser browser = new Browser();
        Page autoPost = SignIn.enterPassword(browser, SignIn.toLoginForm(browser, sp.url("/sample/"), idp.origin()),
                ALICE, ALICE);
        Element nameId = dev.portcullis.testkit.Xml.first(SamlMessages.assertion(SamlMessages.response(autoPost)),
                SamlMessages.ASSERTION, "NameID");
        assertThat(nameId.getAttribute("Format")).isEqualTo(EMAIL_FORMAT);

        Page acs = SignIn.postResponse(browser, autoPost, sp.acsUrl());

        assertThat(acs.status()).as("accepted:%n%s", acs.body()).isEqualTo(303);
        assertThat(browser.follow(acs).body()).contains("Signed in as <strong>alice@example.com</strong>");
        assertThat(browser.get(sp.url("/sample/api/whoami")).body())
                .isEqualTo("{\"user\":\"alice@example.com\",\"roles\":[\"user\",\"admin\"]}");
        assertThat(browser.get(sp.url("/sample/admin/")).status()).isEqualTo(200);
    }

    @Test
    void bobIsKnownByHisAddressAndStillGets403OnTheAdminArea() {
        Browser browser = new Browser();

        Page home = SignIn.signIn(browser, sp.url("/sample/"), idp.origin(), sp.acsUrl(), BOB, BOB);

        assertThat(home.body()).contains("Signed in as <strong>bob@example.com</strong>");
        assertThat(browser.get(sp.url("/sample/admin/")).status()).isEqualTo(403);
    }
}
