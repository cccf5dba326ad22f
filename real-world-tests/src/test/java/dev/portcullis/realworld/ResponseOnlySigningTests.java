package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * An IdP that signs the whole Response but not the Assertion inside it, a setup users meet (an
 * IdP's "sign response" option). Portcullis refuses it by default, since it requires the Assertion
 * itself to be signed, and accepts it with {@code wantAssertionsSigned="false"}. Both SPs use the
 * same port, entityID and key, one after the other, so the IdP serves both unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ResponseOnlySigningTests {

    private Idp idp;

    abstract Idp.Kind kind();

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(kind(), RealWorld.spBaseUrl(), SpKeys.shared().certificate())
                .signing(Idp.Signing.RESPONSE));
    }

    @Test
    void theDefaultRefusesAResponseWhoseAssertionIsNotSigned() {
        try (EmbeddedSp sp = EmbeddedSp.start(idp.metadataUrl(), valve -> { })) {
            Browser browser = new Browser();
            Page autoPost = SignIn.enterPassword(browser, SignIn.toLoginForm(browser, sp.url("/sample/"), idp.origin()),
                    ALICE, ALICE);
            assertSignedAsAWholeOnly(autoPost);

            Page acs = SignIn.postResponse(browser, autoPost, sp.acsUrl());

            assertThat(acs.status()).as("refused:%n%s", acs.body()).isEqualTo(403);
            assertThat(acs.body()).contains("Sign-in failed");
            assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
            assertThat(browser.get(sp.url("/sample/")).status()).as("still not signed in").isEqualTo(302);
        }
    }

    @Test
    void wantAssertionsSignedFalseAcceptsTheSignedResponse() {
        try (EmbeddedSp sp = EmbeddedSp.start(idp.metadataUrl(), valve -> valve.setProperty("wantAssertionsSigned", "false"))) {
            Browser browser = new Browser();
            Page autoPost = SignIn.enterPassword(browser, SignIn.toLoginForm(browser, sp.url("/sample/"), idp.origin()),
                    ALICE, ALICE);
            assertSignedAsAWholeOnly(autoPost);

            Page acs = SignIn.postResponse(browser, autoPost, sp.acsUrl());

            assertThat(acs.status()).as("accepted:%n%s", acs.body()).isEqualTo(303);
            assertThat(browser.follow(acs).body()).contains("Signed in as <strong>alice</strong>");
            assertThat(browser.get(sp.url("/sample/api/whoami")).body())
                    .isEqualTo("{\"user\":\"alice\",\"roles\":[\"user\",\"admin\"]}");
        }
    }

    /** Guards the test's premise: the IdP really signed the Response and not the Assertion. */
    private static void assertSignedAsAWholeOnly(Page autoPost) {
        Element response = SamlMessages.response(autoPost);
        assertThat(SamlMessages.signsItself(response)).as("the Response is signed").isTrue();
        assertThat(SamlMessages.signsItself(SamlMessages.assertion(response))).as("the Assertion is not").isFalse();
    }
}
