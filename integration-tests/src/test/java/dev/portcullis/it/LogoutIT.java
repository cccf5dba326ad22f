package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.Xml;

/**
 * Logout as people and identity providers do it, over real HTTP: the shaded valve JAR in Tomcat's
 * Host in front of the unmodified sample WAR twice ({@code /sample} and {@code /second}), and the
 * development IdP doing its side of Single Logout with its own code (it verifies the valve's
 * LogoutRequests and LogoutResponses with the SP certificate, and signs its own with its key). Covered:
 * SP-initiated logout from the sample's "Sign out" link, through the IdP and back; IdP-initiated logout
 * that ends every session of one user and of nobody else; a replayed IdP LogoutRequest; a partial logout
 * reported honestly; a webapp's own HttpSession that must not outlive the sign-in; and, with the valve in
 * one Context, the same round trip under the context path. Each hop is asserted so that a failure names
 * it, and every "signed out" is checked against a "signed in" before.
 */
class LogoutIT {

    private static final String SIGNED_OUT_EVERYWHERE = "You are signed out of every application on this server and at"
            + " your identity provider.";

    /**
     * Signs out from the sample's home page as a person does: the "Sign out" link, the confirmation form,
     * the continue link to the IdP (the valve's signed LogoutRequest), the IdP's LogoutResponse back to the
     * valve; returns the valve's last redirect, to the signed-out page.
     */
    static Page signOut(Browser browser, Stack stack) {
        Page home = browser.get(stack.url("/sample/"));
        assertThat(home.status()).as("signed in before signing out").isEqualTo(200);
        String signOutLink = link(home.body(), "sign-out");
        assertThat(signOutLink).as("the sample's Sign out link").isEqualTo("/sso/logout");

        Page form = browser.get(home.uri().resolve(signOutLink).toString());
        assertThat(form.status()).isEqualTo(200);
        assertThat(Browser.formFields(form.body())).containsKey("token");

        Page signingOut = browser.submit(form, Map.of());
        assertThat(signingOut.status()).as("the valve ends the sessions here:%n%s", signingOut.body()).isEqualTo(200);
        assertThat(signingOut.body()).contains("signed out of every application on this server");
        String toIdp = link(signingOut.body(), "continue");
        assertThat(toIdp).as("the continue link carries the LogoutRequest to the IdP")
                .startsWith(stack.idp.sloUrl() + "?SAMLRequest=");

        Page idpAnswer = browser.get(toIdp);
        assertThat(idpAnswer.status()).as("the IdP accepts the LogoutRequest:%n%s", idpAnswer.body()).isEqualTo(302);
        assertThat(idpAnswer.location()).startsWith(stack.ssoBase + "/slo?SAMLResponse=");

        Page landing = browser.get(idpAnswer.location());
        assertThat(landing.status()).as("the valve accepts the LogoutResponse:%n%s", landing.body()).isEqualTo(302);
        return landing;
    }

    /** Whether this browser is signed in: the page answers, rather than sending it to the IdP. */
    static boolean signedIn(Browser browser, Stack stack, String path, String user) {
        Page page = browser.get(stack.url(path));
        if (page.status() == 302) {
            assertThat(page.location()).startsWith(stack.idp.ssoUrl() + "?SAMLRequest=");
            return false;
        }
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as <strong>" + user + "</strong>");
        return true;
    }

    /** The href of the element with this id, HTML-unescaped. */
    static String link(String html, String id) {
        Matcher m = Pattern.compile("<a[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*\\bhref=\"([^\"]*)\"").matcher(html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AtHostLevel {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.HOST, idp -> { }, valve -> { });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void signingOutFromTheSampleEndsBothWebappsAndTheIdpSession() {
            Browser alice = new Browser();
            SignInIT.signIn(alice, stack, stack.url("/sample/"), "alice", "alice");
            assertThat(signedIn(alice, stack, "/second/", "alice")).isTrue();
            assertThat(alice.get(stack.idp.baseUrl() + "/").body()).contains("Signed in at this IdP as <strong>alice</strong>");

            Page landing = signOut(alice, stack);

            assertThat(landing.location()).isEqualTo(stack.ssoBase + "/signed-out?status=complete");
            assertThat(alice.get(landing.location()).body()).contains(SIGNED_OUT_EVERYWHERE);
            assertThat(alice.cookie("localhost", "PORTCULLIS")).isNull();
            assertThat(signedIn(alice, stack, "/sample/", "alice")).isFalse();
            assertThat(signedIn(alice, stack, "/second/", "alice")).isFalse();
            assertThat(alice.get(stack.idp.baseUrl() + "/").body()).contains("Nobody is signed in at this IdP");
            Page login = alice.follow(alice.get(stack.url("/sample/")));
            assertThat(Browser.formFields(login.body())).as("signing in again asks for the password")
                    .containsKey("password").doesNotContainKey("SAMLResponse");
        }

        @Test
        void idpInitiatedLogoutEndsEverySessionOfThatUserAndNoOneElsesAndTheIdpVerifiesTheAnswer() {
            Browser aliceAtWork = new Browser();
            Browser aliceAtHome = new Browser();
            Browser bob = new Browser();
            SignInIT.signIn(aliceAtWork, stack, stack.url("/sample/"), "alice", "alice");
            SignInIT.signIn(aliceAtHome, stack, stack.url("/second/"), "alice", "alice");
            SignInIT.signIn(bob, stack, stack.url("/sample/"), "bob", "bob");
            for (Browser alice : new Browser[] {aliceAtWork, aliceAtHome}) {
                assertThat(signedIn(alice, stack, "/sample/", "alice")).isTrue();
                assertThat(signedIn(alice, stack, "/second/", "alice")).isTrue();
            }

            Browser administrator = new Browser();
            Page toSp = administrator.get(stack.idp.logoutUrl("alice"));
            assertThat(toSp.status()).as("the IdP sends a LogoutRequest:%n%s", toSp.body()).isEqualTo(302);
            assertThat(toSp.location()).startsWith(stack.ssoBase + "/slo?SAMLRequest=");
            Page spAnswer = administrator.get(toSp.location());
            assertThat(spAnswer.status()).as("the valve accepts it:%n%s", spAnswer.body()).isEqualTo(302);
            assertThat(spAnswer.location()).startsWith(stack.idp.sloUrl() + "?SAMLResponse=");
            Page confirmed = administrator.get(spAnswer.location());

            assertThat(confirmed.status()).as("the IdP verifies the valve's LogoutResponse:%n%s", confirmed.body())
                    .isEqualTo(200);
            assertThat(confirmed.body()).contains("Signed out of " + stack.ssoBase + "/metadata")
                    .contains("confirmed the sign-out");
            assertThat(administrator.cookie("localhost", "PORTCULLIS")).as("the third browser never signed in").isNull();
            for (Browser alice : new Browser[] {aliceAtWork, aliceAtHome}) {
                assertThat(signedIn(alice, stack, "/sample/", "alice")).isFalse();
                assertThat(signedIn(alice, stack, "/second/", "alice")).isFalse();
            }
            assertThat(signedIn(bob, stack, "/sample/", "bob")).isTrue();
            assertThat(signedIn(bob, stack, "/second/", "bob")).isTrue();
        }

        @Test
        void aReplayedIdpLogoutRequestIsRefusedAndEndsNothing() {
            Browser earlier = new Browser();
            SignInIT.signIn(earlier, stack, stack.url("/sample/"), "alice", "alice");
            // A second sign-in whose Response the IdP has issued but the browser has not posted yet.
            Browser inFlight = new Browser();
            Page login = inFlight.follow(inFlight.get(stack.url("/sample/")));
            Page autoPost = inFlight.submit(login, Map.of("username", "alice", "password", "alice"));
            String inFlightIndex = sessionIndex(autoPost);
            Browser bob = new Browser();
            SignInIT.signIn(bob, stack, stack.url("/sample/"), "bob", "bob");

            String logoutRequest = new Browser().get(stack.idp.logoutUrl("alice")).location();
            assertThat(texts(Xml.parse(RedirectBinding.inflate(Browser.query(logoutRequest).get("SAMLRequest"))),
                    "SessionIndex")).as("the LogoutRequest names the in-flight sign-in too").contains(inFlightIndex);
            Page first = new Browser().get(logoutRequest);
            assertThat(first.status()).as("the first delivery is accepted:%n%s", first.body()).isEqualTo(302);
            assertThat(first.location()).startsWith(stack.idp.sloUrl() + "?SAMLResponse=");
            assertThat(signedIn(earlier, stack, "/sample/", "alice")).isFalse();
            // The Response arrives after the logout, so the logout could not end the session it starts.
            assertThat(inFlight.submit(autoPost, Map.of()).status()).isEqualTo(303);
            assertThat(signedIn(inFlight, stack, "/sample/", "alice")).isTrue();

            Page replay = new Browser().get(logoutRequest);

            assertThat(replay.status()).as("the same LogoutRequest again:%n%s", replay.body()).isEqualTo(403);
            assertThat(replay.location()).isNull();
            assertThat(signedIn(inFlight, stack, "/sample/", "alice")).as("the session it names survives").isTrue();
            assertThat(signedIn(inFlight, stack, "/second/", "alice")).isTrue();
            assertThat(signedIn(bob, stack, "/sample/", "bob")).isTrue();
        }

        @Test
        void aWebappsOwnSessionEndsWithTheSignInEvenWhenVisitedOnAnExcludedPathWithTheOldCookie() {
            Browser alice = new Browser();
            Page legacy = SignInIT.signIn(alice, stack, stack.url("/sample/session"), "alice", "alice");
            assertThat(legacy.body()).contains("User remembered in this webapp's session: <strong>alice</strong>");
            String jsessionid = alice.cookie("localhost", "JSESSIONID");
            assertThat(jsessionid).as("the sample page created an HttpSession").isNotNull();
            Browser withOldSession = new Browser();
            withOldSession.setCookie("localhost", "JSESSIONID", jsessionid);
            assertThat(withOldSession.get(stack.url("/sample/public/session")).body())
                    .as("before: the legacy page trusts its session on a path without sign-in")
                    .contains("User remembered in this webapp's session: <strong>alice</strong>")
                    .contains("The container knows no user on this request");

            assertThat(signOut(alice, stack).location()).endsWith("status=complete");

            Page after = withOldSession.get(stack.url("/sample/public/session"));
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.body()).contains("No user is remembered in this webapp's session");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AtContextLevel {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.CONTEXT, idp -> { }, valve -> { });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void singleLogoutRunsThroughTheEndpointsUnderTheContextPath() {
            Browser alice = new Browser();
            SignInIT.signIn(alice, stack, stack.url("/sample/"), "alice", "alice");

            Page form = alice.get(stack.ssoBase + "/logout");
            Page signingOut = alice.submit(form, Map.of());
            String toIdp = link(signingOut.body(), "continue");
            assertThat(toIdp).as("continue link in:%n%s", signingOut.body()).startsWith(stack.idp.sloUrl() + "?SAMLRequest=");
            Page idpAnswer = alice.get(toIdp);
            assertThat(idpAnswer.location()).as("the IdP answers at the context's SLO URL:%n%s", idpAnswer.body())
                    .startsWith(stack.url("/sample/sso/slo?SAMLResponse="));
            Page landing = alice.get(idpAnswer.location());

            assertThat(landing.location()).isEqualTo(stack.url("/sample/sso/signed-out?status=complete"));
            assertThat(signedIn(alice, stack, "/sample/", "alice")).isFalse();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WhenTheIdpReportsAPartialLogout {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.HOST, idp -> idp.answerPartialLogout(true), valve -> { });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void theSignedOutPageSaysSoAndTheSessionsHereHaveEnded() {
            Browser alice = new Browser();
            SignInIT.signIn(alice, stack, stack.url("/sample/"), "alice", "alice");
            assertThat(signedIn(alice, stack, "/second/", "alice")).isTrue();

            Page landing = signOut(alice, stack);

            assertThat(landing.location()).isEqualTo(stack.ssoBase + "/signed-out?status=partial");
            assertThat(alice.get(landing.location()).body()).contains("could not sign you out of every other")
                    .doesNotContain(SIGNED_OUT_EVERYWHERE);
            assertThat(signedIn(alice, stack, "/sample/", "alice")).isFalse();
            assertThat(signedIn(alice, stack, "/second/", "alice")).isFalse();
        }
    }

    private static String sessionIndex(Page autoPost) {
        String samlResponse = Browser.formFields(autoPost.body()).get("SAMLResponse");
        assertThat(samlResponse).as("the IdP's auto-post form:%n%s", autoPost.body()).isNotNull();
        Document response = Xml.parse(Base64.getDecoder().decode(samlResponse));
        return Xml.first(response, SamlResponseBuilder.ASSERTION_NS, "AuthnStatement").getAttribute("SessionIndex");
    }

    private static List<String> texts(Document document, String localName) {
        List<String> texts = new ArrayList<>();
        NodeList elements = document.getElementsByTagNameNS(SamlResponseBuilder.PROTOCOL_NS, localName);
        for (int i = 0; i < elements.getLength(); i++) {
            texts.add(((Element) elements.item(i)).getTextContent());
        }
        return texts;
    }
}
